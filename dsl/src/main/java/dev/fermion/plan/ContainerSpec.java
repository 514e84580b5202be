package dev.fermion.plan;

import dev.fermion.contract.CacheKey;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a step that is not Java runs: an image, its command and arguments, its environment and, for a
 * script step, the inline source its interpreter runs. Every argument and environment value is a
 * {@link Word}: literal text and typed references to the step's ports, which each backend turns into its
 * own form ({@code {{inputs.parameters.x}}} and fixed paths on Argo, values and per-step directories
 * locally). A reference never becomes part of a shell command line: every word stays one argv element.
 *
 * @param command the entrypoint; empty for the image's own (containers) or the interpreter (scripts)
 * @param source  the inline program of a script step, or null for a plain container step
 */
public record ContainerSpec(String image, List<Word> command, List<Word> args, Map<String, Word> env, String source) {

    /** Where the ports live inside the container; the local host mode maps them to a per-step directory. */
    public static final String INPUTS = "/fermion/inputs";

    public static final String OUTPUT_PARAMS = "/fermion/outputs/params";
    public static final String OUTPUT_ARTIFACTS = "/fermion/outputs/artifacts";

    public ContainerSpec {
        Objects.requireNonNull(image, "image");
        command = List.copyOf(command);
        args = List.copyOf(args);
        env = Map.copyOf(env);
    }

    public boolean isScript() {
        return source != null;
    }

    /** One piece of a word. */
    public sealed interface Part {
        /** Dispatches on the kind, so that code handling every kind stops compiling when a kind is added. */
        <R> R accept(Visitor<R> visitor);

        /** One method per kind of part. */
        interface Visitor<R> {
            R text(Text text);

            R inputValue(InputValue value);

            R inputPath(InputPath path);

            R outputPath(OutputPath path);
        }

        /** Text written in the definition. */
        record Text(String text) implements Part {
            public Text {
                Objects.requireNonNull(text, "text");
            }

            @Override
            public <R> R accept(Visitor<R> visitor) {
                return visitor.text(this);
            }
        }

        /** The encoded value of a parameter input. */
        record InputValue(String port) implements Part {
            @Override
            public <R> R accept(Visitor<R> visitor) {
                return visitor.inputValue(this);
            }
        }

        /** The directory an input artifact is placed in. */
        record InputPath(String port) implements Part {
            @Override
            public <R> R accept(Visitor<R> visitor) {
                return visitor.inputPath(this);
            }
        }

        /** Where the step writes an output: a file for a parameter, a directory for an artifact. */
        record OutputPath(String port) implements Part {
            @Override
            public <R> R accept(Visitor<R> visitor) {
                return visitor.outputPath(this);
            }
        }
    }

    /** One argv element or environment value, the concatenation of its parts. */
    public record Word(List<Part> parts) {
        public Word {
            parts = List.copyOf(parts);
        }

        public static Word text(String text) {
            return new Word(List.of(new Part.Text(text)));
        }
    }

    /** The path of input artifact {@code port} inside the container. */
    public static String inputPath(String port) {
        return INPUTS + "/" + port;
    }

    /** The path the container writes output {@code port} to. */
    public static String outputPath(String port, boolean artifact) {
        return (artifact ? OUTPUT_ARTIFACTS : OUTPUT_PARAMS) + "/" + port;
    }

    /**
     * The "code digest" of a container step for its cache key ({@link CacheKey}): SHA-256 over the image,
     * the command, the arguments, the environment and the source, in a canonical text form, cut to 16 hex
     * characters like a Java component's code digest. Together with the step's class, version, parameter
     * inputs and input artifact digests it makes the key, so editing the command or the script invalidates
     * cached results. The image is hashed by reference: pin it by digest ({@code image@sha256:...}) when a
     * moving tag must invalidate the cache too.
     */
    public String digest() {
        StringBuilder b = new StringBuilder("fermion-container-v1\n");
        b.append("image=").append(escape(image)).append('\n');
        command.forEach(w -> b.append("command=").append(render(w)).append('\n'));
        args.forEach(w -> b.append("arg=").append(render(w)).append('\n'));
        new TreeMap<>(env)
                .forEach((k, w) -> b.append("env:")
                        .append(escape(k))
                        .append('=')
                        .append(render(w))
                        .append('\n'));
        if (source != null) {
            b.append("source=").append(escape(source)).append('\n');
        }
        return CacheKey.sha256(b.toString()).substring(0, 16);
    }

    private static String render(Word word) {
        StringBuilder b = new StringBuilder();
        for (Part part : word.parts()) {
            if (part instanceof Part.Text t) {
                b.append("t:").append(escape(t.text()));
            } else if (part instanceof Part.InputValue v) {
                b.append("v:").append(v.port());
            } else if (part instanceof Part.InputPath p) {
                b.append("i:").append(p.port());
            } else if (part instanceof Part.OutputPath o) {
                b.append("o:").append(o.port());
            }
            b.append('|');
        }
        return b.toString();
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\n", "\\n").replace("|", "\\|");
    }
}
