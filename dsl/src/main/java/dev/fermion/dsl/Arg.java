package dev.fermion.dsl;

import dev.fermion.plan.ContainerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One argument or environment value of a {@link ContainerComponent}'s command: literal text, a typed
 * reference to a port handed out by {@link Placeholders}, or both joined ({@code p.value(WIDTH).prefixed("--width=")}).
 * It always stays one argv element, whatever the value holds, so a value can never add arguments or shell syntax.
 */
public final class Arg {
    private final List<ContainerSpec.Part> parts;

    Arg(List<ContainerSpec.Part> parts) {
        this.parts = List.copyOf(parts);
    }

    public static Arg text(String text) {
        Objects.requireNonNull(text, "text");
        return new Arg(List.of(new ContainerSpec.Part.Text(text)));
    }

    /** This argument with {@code text} in front, e.g. {@code --out=} before an output path. */
    public Arg prefixed(String text) {
        return concat(text(text), this);
    }

    public Arg suffixed(String text) {
        return concat(this, text(text));
    }

    /** The arguments joined into one, e.g. a path inside an input artifact: {@code concat(p.path(DATA), text("/train.csv"))}. */
    public static Arg concat(Arg... pieces) {
        List<ContainerSpec.Part> all = new ArrayList<>();
        for (Arg piece : pieces) {
            all.addAll(piece.parts);
        }
        return new Arg(all);
    }

    ContainerSpec.Word word() {
        return new ContainerSpec.Word(parts);
    }
}
