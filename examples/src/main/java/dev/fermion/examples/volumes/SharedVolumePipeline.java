package dev.fermion.examples.volumes;

import dev.fermion.components.data.PrepareCsv;
import dev.fermion.components.evaluate.EvaluateClassifier;
import dev.fermion.components.train.TrainMlp;
import dev.fermion.dsl.FermionPipeline;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.VolumeClaim;
import dev.fermion.dsl.VolumeSnapshot;

/**
 * Data staged on a shared volume by a script step, frozen in a VolumeSnapshot, and read by the Java
 * steps from a claim restored from that snapshot, so training reads a fixed copy while the staging
 * volume may change or go. Both claims and the snapshot are deleted when the run ends. It is meant for a
 * cluster whose CSI driver supports snapshots ({@code fermion submit shared-volume}); local runs do not
 * mount cluster volumes, so the steps would not see the data there.
 */
public final class SharedVolumePipeline {
    @FermionPipeline
    public static Pipeline sharedVolume() {
        return Pipeline.named("shared-volume")
                .experiment("shared-volume")
                .description("Stage data on a volume with a script, snapshot it, and train from the restored copy")
                .defaults(d -> d.cpu("1").memory("2Gi"))
                .define(p -> {
                    var staging = p.step("staging", new VolumeClaim("1Gi").deletedAtEnd());
                    var generate = p.step("generate", new GeneratePoints())
                            .with(GeneratePoints.DIR, "/staging")
                            .with(GeneratePoints.ROWS, p.param("rows", 1000))
                            .mountClaim(staging.out(VolumeClaim.CLAIM_NAME), "/staging");
                    var snapshot = p.step("snapshot", new VolumeSnapshot().deletedAtEnd())
                            .with(VolumeSnapshot.CLAIM, staging.out(VolumeClaim.CLAIM_NAME))
                            .after(generate);
                    var frozen = p.step(
                                    "frozen",
                                    new VolumeClaim("1Gi").fromSnapshot().deletedAtEnd())
                            .with(VolumeClaim.SNAPSHOT, snapshot.out(VolumeSnapshot.SNAPSHOT_NAME));

                    var prepare = p.step("prepare", new PrepareCsv())
                            .with(PrepareCsv.SOURCE, "/data/points.csv")
                            .with(PrepareCsv.LABEL, "label")
                            .with(PrepareCsv.STRATIFY, true)
                            .mountClaim(frozen.out(VolumeClaim.CLAIM_NAME), "/data");
                    var train = p.step("train", new TrainMlp())
                            .with(TrainMlp.TRAIN, prepare.out(PrepareCsv.TRAIN))
                            .with(TrainMlp.VALIDATION, prepare.out(PrepareCsv.VALIDATION))
                            .with(TrainMlp.PREPROCESSING, prepare.out(PrepareCsv.PREPROCESSING));
                    p.step("evaluate", new EvaluateClassifier())
                            .with(EvaluateClassifier.MODEL, train.out(TrainMlp.MODEL))
                            .with(EvaluateClassifier.DATA, prepare.out(PrepareCsv.TEST));
                });
    }
}
