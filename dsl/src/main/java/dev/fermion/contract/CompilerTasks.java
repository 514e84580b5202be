package dev.fermion.contract;

/**
 * The Argo tasks the compiler adds beside a pipeline's own steps, and how the cluster commands name them to the
 * user. A double dash cannot come from a step name, so these task names never collide with a user's steps;
 * shown raw ({@code prepare--source(0)}) they would read like a step nobody wrote, so {@code fermion status} and
 * {@code fermion logs} show each under the step it serves ({@code prepare/source-digest(0)}).
 */
public final class CompilerTasks {
    /** The exit handler's task that closes the workflow's MLflow runs. */
    public static final String FINISH_TRACKING = "fermion--finish-tracking";
    /** The task that digests a step's external sources for its cache key: the step's task name plus this. */
    public static final String SOURCE_DIGEST_SUFFIX = "--source";
    /** The task that fails a recursive sub-pipeline past its depth limit: the call's task name plus this. */
    public static final String DEPTH_EXCEEDED_SUFFIX = "--depth-exceeded";

    private CompilerTasks() {}

    /**
     * The user's name for an Argo node's display name: the node's own name for a step the pipeline wrote, or the
     * step a compiler task serves with what the task does. What Argo appends ({@code (0)} for an attempt or a
     * loop's item) is kept.
     */
    public static String label(String displayName) {
        if (displayName == null) {
            return null;
        }
        int suffix = displayName.indexOf('(');
        String task = suffix < 0 ? displayName : displayName.substring(0, suffix);
        String rest = suffix < 0 ? "" : displayName.substring(suffix);
        if (task.equals(FINISH_TRACKING)) {
            return "fermion/finish-tracking" + rest;
        }
        if (task.endsWith(SOURCE_DIGEST_SUFFIX)) {
            return stepOf(task, SOURCE_DIGEST_SUFFIX) + "/source-digest" + rest;
        }
        if (task.endsWith(DEPTH_EXCEEDED_SUFFIX)) {
            return stepOf(task, DEPTH_EXCEEDED_SUFFIX) + "/depth-exceeded" + rest;
        }
        return displayName;
    }

    /** The step's name back from its task name: the compiler prefixes names that start with a digit. */
    private static String stepOf(String task, String suffix) {
        String name = task.substring(0, task.length() - suffix.length());
        return name.startsWith("t-") && name.length() > 2 && Character.isDigit(name.charAt(2))
                ? name.substring(2)
                : name;
    }
}
