package dev.fermion.dsl;

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

    /** Entry point for launchers; components themselves implement {@link #run}. */
    public final void execute(StepContext ctx) throws Exception {
        run(ctx);
    }
}
