package dev.fermion.dsl;

import dev.fermion.plan.ContainerSpec;

/**
 * A step that runs an image or an inline script instead of Java code, with the same typed ports as a
 * {@link Component}: declare {@code public static final} {@link Input} and {@link Output} fields and
 * describe the command with {@link Placeholders} for the ports. Wiring is checked by javac exactly as for
 * Java components: {@code p.step("resize", new Resize()).with(Resize.WIDTH, 224)}.
 *
 * <pre>{@code
 * public final class Resize extends ContainerComponent {
 *   public static final Input<Integer> WIDTH   = input("width", Integer.class);
 *   public static final Input<Dataset> IMAGES  = input("images", Dataset.class);
 *   public static final Output<Dataset> RESIZED = output("resized", Dataset.class);
 *   public static final Output<Long>   COUNT   = output("count", Long.class);
 *
 *   @Override protected ContainerCommand command(Placeholders p) {
 *     return ContainerCommand.image("ghcr.io/acme/resize:1.4").command("resize")
 *         .arg("--width").arg(p.value(WIDTH)).arg("--in").arg(p.path(IMAGES))
 *         .arg("--out").arg(p.outputPath(RESIZED)).arg("--count-file").arg(p.outputPath(COUNT));
 *   }
 * }
 * }</pre>
 *
 * Every output must be handed to the command through {@link Placeholders#outputPath}, or the command could
 * not know where to write it. Such steps are cached like Java components; the key covers the image
 * reference, command, arguments, environment and script source (see {@link ContainerSpec#digest()}).
 */
public abstract class ContainerComponent extends Definition {

    protected abstract ContainerCommand command(Placeholders p);

    /** The command with its placeholders, checked against this definition's ports. */
    public final ContainerSpec containerSpec() {
        ContainerCommand command = command(new Placeholders(this));
        if (command == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".command(...) returned null: "
                    + "return ContainerCommand.image(...) or ContainerCommand.script(...)");
        }
        return command.toSpec();
    }
}
