package dev.fermion.dsl;

import java.util.Optional;

/**
 * A reusable step written in Java. Declare ports as {@code public static final} fields and implement
 * {@link #run}. The launcher instantiates the class by name in a pod or a local process, so a component
 * needs a public no-argument constructor and keeps its configuration in inputs, never in fields.
 *
 * <pre>{@code
 * public final class Train extends Component {
 *   public static final Input<Dataset> DATA   = input("data", Dataset.class);
 *   public static final Input<Integer> EPOCHS = input("epochs", Integer.class).defaultValue(10);
 *   public static final Output<Model>  MODEL  = output("model", Model.class);
 *
 *   @Override protected void run(StepContext ctx) { Model model = ctx.output(MODEL); ... }
 * }
 * }</pre>
 */
public abstract class Component extends Definition {

    protected abstract void run(StepContext ctx) throws Exception;

    /**
     * For a component that reads data from outside the pipeline (files or a directory a path input names, a
     * table, a URL): a digest of the content a run with these inputs would read, for example SHA-256 over
     * each file's name and bytes. Fermion computes it where the step runs, just before it runs, and makes it
     * part of the step's cache key, as Argo's memoization does on the cluster: an unchanged source is a cache
     * hit, a changed one is a miss, and the step can be cached by default ({@link #cacheableByDefault()}).
     * The default reads nothing outside its inputs and has no such digest.
     *
     * @throws BadInputException when the source cannot be read (a missing file): the step fails at once
     */
    protected Optional<String> sourceDigest(StepInputs inputs) throws Exception {
        return Optional.empty();
    }

    /** Whether this component overrides {@link #sourceDigest}, so that caching needs that digest first. */
    public final boolean readsSources() {
        return READS_SOURCES.get(getClass());
    }

    /** Per class, since defining a pipeline asks for every step and the answer is the class's. */
    private static final ClassValue<Boolean> READS_SOURCES = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            for (Class<?> c = type; c != Component.class; c = c.getSuperclass()) {
                for (java.lang.reflect.Method method : c.getDeclaredMethods()) {
                    if (method.getName().equals("sourceDigest")
                            && method.getParameterCount() == 1
                            && method.getParameterTypes()[0] == StepInputs.class) {
                        return true;
                    }
                }
            }
            return false;
        }
    };

    /** Entry point for launchers; components themselves implement {@link #run}. */
    public final void execute(StepContext ctx) throws Exception {
        run(ctx);
    }

    /** Entry point for launchers: {@link #sourceDigest}, empty when the component reads no sources. */
    public final Optional<String> digestSources(StepInputs inputs) throws Exception {
        return sourceDigest(inputs);
    }
}
