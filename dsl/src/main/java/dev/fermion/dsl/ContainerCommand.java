package dev.fermion.dsl;

import dev.fermion.plan.ContainerSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link ContainerComponent} runs: an image with a command and arguments, or an interpreter image
 * with an inline script. Built inside {@link ContainerComponent#command}:
 *
 * <pre>{@code
 * return ContainerCommand.image("ghcr.io/acme/resize:1.4")
 *         .command("python", "/app/resize.py")
 *         .arg("--width").arg(p.value(WIDTH))
 *         .arg(p.path(IMAGES).prefixed("--in="))
 *         .arg("--out").arg(p.outputPath(RESIZED));
 *
 * return ContainerCommand.script("python:3.12-slim", "python", """
 *         import os
 *         n = int(os.environ["ROWS"])
 *         open(os.environ["OUT"], "w").write(str(n * 2))
 *         """).env("ROWS", p.value(ROWS)).env("OUT", p.outputPath(DOUBLED));
 * }</pre>
 *
 * A script gets its inputs through environment variables: Argo appends the script's file to the
 * arguments, so a script takes no arguments of its own.
 */
public final class ContainerCommand {
    private final String image;
    private final String source;
    private final List<Arg> command = new ArrayList<>();
    private final List<Arg> args = new ArrayList<>();
    private final Map<String, Arg> env = new LinkedHashMap<>();

    private ContainerCommand(String image, String source) {
        this.image = image;
        this.source = source;
    }

    /** Runs {@code image}; without {@link #command} its own entrypoint. */
    public static ContainerCommand image(String image) {
        return new ContainerCommand(image, null);
    }

    /** Runs {@code source} with {@code interpreter} (e.g. {@code "python"}, {@code "bash"}) in {@code image}. */
    public static ContainerCommand script(String image, String interpreter, String source) {
        Objects.requireNonNull(source, "source");
        ContainerCommand script = new ContainerCommand(image, source);
        script.command.add(Arg.text(Objects.requireNonNull(interpreter, "interpreter")));
        return script;
    }

    /** The entrypoint and its first arguments, replacing the image's own entrypoint. */
    public ContainerCommand command(String... words) {
        if (source != null) {
            throw new IllegalArgumentException(
                    "a script's command is its interpreter, given to ContainerCommand.script(...)");
        }
        for (String word : words) {
            command.add(Arg.text(word));
        }
        return this;
    }

    public ContainerCommand args(String... literals) {
        for (String literal : literals) {
            arg(Arg.text(literal));
        }
        return this;
    }

    public ContainerCommand arg(String literal) {
        return arg(Arg.text(literal));
    }

    public ContainerCommand arg(Arg arg) {
        if (source != null) {
            throw new IllegalArgumentException("a script takes no arguments (Argo appends the script file to them): "
                    + "pass values with env(NAME, p.value(...)) and read them from the environment");
        }
        args.add(Objects.requireNonNull(arg, "arg"));
        return this;
    }

    public ContainerCommand env(String name, String value) {
        return env(name, Arg.text(value));
    }

    public ContainerCommand env(String name, Arg value) {
        Objects.requireNonNull(value, "value");
        if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("invalid environment variable name '" + name
                    + "': use letters, digits and '_', not starting with a digit");
        }
        if (name.startsWith("FERMION_")) {
            throw new IllegalArgumentException("environment variable '" + name + "' uses the reserved FERMION_ prefix");
        }
        if (env.putIfAbsent(name, value) != null) {
            throw new IllegalArgumentException("environment variable '" + name + "' is set twice");
        }
        return this;
    }

    /** The backend-neutral form; rejects text that a backend would read as something else than itself. */
    ContainerSpec toSpec() {
        if (image == null || image.isBlank() || image.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("invalid image '" + image + "': give an image reference such as "
                    + "\"python:3.12-slim\" or \"ghcr.io/acme/tool@sha256:...\"");
        }
        plain(image, "the image");
        if (source != null) {
            plain(source, "the script source");
        }
        List<ContainerSpec.Word> commandWords = words(command, "the command");
        List<ContainerSpec.Word> argWords = words(args, "an argument");
        Map<String, ContainerSpec.Word> envWords = new LinkedHashMap<>();
        env.forEach((name, value) -> envWords.put(name, word(value, "environment variable " + name)));
        return new ContainerSpec(image, commandWords, argWords, envWords, source);
    }

    private static List<ContainerSpec.Word> words(List<Arg> args, String what) {
        return args.stream().map(a -> word(a, what)).toList();
    }

    private static ContainerSpec.Word word(Arg arg, String what) {
        ContainerSpec.Word word = arg.word();
        for (ContainerSpec.Part part : word.parts()) {
            if (part instanceof ContainerSpec.Part.Text text) {
                plain(text.text(), what);
            }
        }
        return word;
    }

    /**
     * Argo evaluates {@code {{...}}} anywhere in a template, scripts included, so such text would be
     * replaced on the cluster and not locally; refusing it keeps both backends running the same program.
     */
    private static void plain(String text, String what) {
        if (text.contains("{{") || text.contains("}}")) {
            throw new IllegalArgumentException(what + " contains '{{' or '}}', which Argo would evaluate as an "
                    + "expression: pass values through p.value(...) and env(...), and write doubled braces another "
                    + "way (in Python, '{' + '{' instead of an f-string escape)");
        }
    }
}
