package dev.fermion.cli;

import dev.fermion.submit.ArgoCluster;
import dev.fermion.submit.ClusterException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "logs",
        mixinStandardHelpOptions = true,
        description = {
            "Print the logs of a workflow's steps (their 'main' containers), each line prefixed with its step.",
            "Exit codes: 0 printed, 2 no such workflow or step, or a cluster that cannot be asked."
        })
final class LogsCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            paramLabel = "WORKFLOW",
            description = "The workflow's name, as 'fermion submit' printed it.")
    String workflow;

    @Option(names = "--step", paramLabel = "STEP", description = "Only this step (its name in the pipeline).")
    String step;

    @Option(
            names = {"-f", "--follow"},
            description = "Keep printing as steps write, until the workflow ends.")
    boolean follow;

    @Mixin
    SubmitCommand.Cluster cluster;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        SubmitCommand.WatchView view =
                new SubmitCommand.WatchView(spec.commandLine().getOut(), false);
        try (ArgoCluster argo = cluster.connect()) {
            if (follow) {
                argo.watch(workflow, cluster.namespace, step, view);
            } else if (argo.logs(workflow, cluster.namespace, step, view) == 0) {
                spec.commandLine()
                        .getErr()
                        .println("fermion: no logs to show yet for workflow " + workflow
                                + (step == null ? "" : " step " + step) + ": its pods have not started, or Argo's pod "
                                + "garbage collection removed them");
            }
        } catch (ClusterException e) {
            throw SubmitCommand.Cluster.failure(e);
        }
        spec.commandLine().getOut().flush();
        return FermionCli.OK;
    }
}
