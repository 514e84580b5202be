package dev.fermion.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A container that runs next to a step for as long as the step runs, such as a database or a proxy the step
 * talks to on {@code localhost} (Argo's {@code sidecars}): {@code step.sidecar(Sidecar.of("db", "postgres:16")
 * .env("POSTGRES_PASSWORD", "local").port(5432))}. Locally it runs in the container engine, its ports published
 * on 127.0.0.1, and the step starts once every port accepts connections; steps whose sidecars use the same
 * port run one at a time there, since they share this machine's ports.
 *
 * <p>Every field is written into the workflow as it is, so none may hold <code>{{</code> or <code>}}</code>; secrets go
 * in as Kubernetes Secret references on the step, not here.
 */
public record Sidecar(
        String name,
        String image,
        List<String> command,
        List<String> args,
        Map<String, String> env,
        List<Integer> ports) {
    /** Names Argo gives its own containers in a step's pod. */
    private static final Set<String> RESERVED = Set.of("main", "wait", "init");

    public Sidecar {
        if (name == null
                || !Names.DNS_LABEL.matcher(name).matches()
                || name.length() > Names.MAX_LABEL
                || RESERVED.contains(name)) {
            throw new IllegalArgumentException("Invalid sidecar name '" + name + "': use a DNS label such as \"db\" "
                    + "(not main, wait or init, which Argo uses)");
        }
        plain(Objects.requireNonNull(image, "image"), "image of sidecar " + name);
        command = List.copyOf(command);
        args = List.copyOf(args);
        env = Map.copyOf(env);
        ports = List.copyOf(ports);
        command.forEach(c -> plain(c, "command of sidecar " + name));
        args.forEach(a -> plain(a, "argument of sidecar " + name));
        env.forEach((k, v) -> {
            if (!k.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("Invalid environment variable name '" + k + "' of sidecar " + name);
            }
            plain(v, "value of environment variable " + k + " of sidecar " + name);
        });
        for (int port : ports) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(
                        "Port " + port + " of sidecar " + name + " is not a TCP port (1-65535)");
            }
        }
    }

    /** A sidecar running {@code image} with its own entrypoint. */
    public static Sidecar of(String name, String image) {
        return new Sidecar(name, image, List.of(), List.of(), Map.of(), List.of());
    }

    public Sidecar command(String... words) {
        return new Sidecar(name, image, List.of(words), args, env, ports);
    }

    public Sidecar args(String... words) {
        return new Sidecar(name, image, command, List.of(words), env, ports);
    }

    public Sidecar env(String variable, String value) {
        Map<String, String> more = new LinkedHashMap<>(env);
        more.put(variable, Objects.requireNonNull(value, "value"));
        return new Sidecar(name, image, command, args, more, ports);
    }

    /** A TCP port the sidecar listens on; the step reaches it on {@code localhost}. */
    public Sidecar port(int port) {
        List<Integer> more = new ArrayList<>(ports);
        more.add(port);
        return new Sidecar(name, image, command, args, env, more);
    }

    private static void plain(String text, String what) {
        if (text.contains("{{") || text.contains("}}")) {
            throw new IllegalArgumentException("The " + what + " '" + text
                    + "' contains '{{' or '}}', which Argo would " + "evaluate as an expression; remove the braces");
        }
    }
}
