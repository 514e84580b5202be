package dev.fermion.dsl;

/**
 * A step that takes a CSI VolumeSnapshot of a PersistentVolumeClaim and waits until it is ready to use;
 * its {@link #SNAPSHOT_NAME} output names the snapshot, from which {@link VolumeClaim#fromSnapshot()} makes
 * a new claim. Keeping the state of a shared volume between steps this way lets a later step, a retry or
 * a branch start from the data as it was:
 *
 * <pre>{@code
 * var data = p.step("data", new VolumeClaim("50Gi"));
 * var fill = p.step("fill", new Download()).mountClaim(data.out(VolumeClaim.CLAIM_NAME), "/data");
 * var snap = p.step("snapshot", new VolumeSnapshot().snapshotClass("csi-snapclass"))
 *         .with(VolumeSnapshot.CLAIM, data.out(VolumeClaim.CLAIM_NAME)).after(fill);
 * var copy = p.step("copy", new VolumeClaim("50Gi").fromSnapshot())
 *         .with(VolumeClaim.SNAPSHOT, snap.out(VolumeSnapshot.SNAPSHOT_NAME));
 * }</pre>
 *
 * The cluster needs the snapshot CRDs and controller and a CSI driver that supports snapshots. The claim
 * must be bound: with a {@code WaitForFirstConsumer} storage class that means a step has mounted it, which
 * is why the example orders the snapshot {@code after(fill)}. It is cleaned up as {@link CreatedObject} says.
 */
public final class VolumeSnapshot extends CreatedObject<VolumeSnapshot> {
    public static final Input<String> CLAIM =
            input("claim", String.class).describedAs("the name of the PersistentVolumeClaim to snapshot");
    public static final Output<String> SNAPSHOT_NAME =
            output("snapshot-name", String.class).describedAs("the name of the created VolumeSnapshot");

    private String snapshotClass;

    /** The VolumeSnapshotClass to use; without it the cluster's default class is used. */
    public VolumeSnapshot snapshotClass(String name) {
        this.snapshotClass = className(name, "snapshot class");
        return this;
    }

    @Override
    protected ResourceCommand command() {
        StringBuilder yaml = new StringBuilder()
                .append("apiVersion: snapshot.storage.k8s.io/v1\n")
                .append("kind: VolumeSnapshot\n")
                .append("metadata:\n")
                .append("  generateName: fermion-\n")
                .append("spec:\n");
        if (snapshotClass != null) {
            yaml.append("  volumeSnapshotClassName: ").append(snapshotClass).append('\n');
        }
        yaml.append("  source: {}\n");
        return cleanedUp(ResourceCommand.create(yaml.toString())
                .input(CLAIM, "{.spec.source.persistentVolumeClaimName}")
                .successWhen("status.readyToUse == true")
                .output(SNAPSHOT_NAME, "{.metadata.name}"));
    }
}
