package dev.fermion.compiler;

import dev.fermion.compiler.argo.Memoize;
import dev.fermion.contract.CacheKey;
import dev.fermion.contract.CodeDigest;
import dev.fermion.plan.ComponentSpec;
import dev.fermion.plan.StepOptions;
import java.time.Duration;
import java.util.Map;

/**
 * The memoization of a cached step, Java or tool: its key and how long Argo keeps it.
 *
 * <p>A cached step's {@code memoize.key} is {@link CacheKey#compute} evaluated by Argo:
 * <pre>{{=sprig.sha256sum('fermion-cache-v1\ncomponent=C\nversion=V\ncode=D\n'
 *       + 'param:a=' + inputs.parameters['a'] + '\n' + ... + 'input:m=' + inputs.parameters['m-digest'] + '\n')}}</pre>
 * that is, SHA-256 over the same material as {@link CacheKey#material}: the component class, its declared
 * version, the {@link CodeDigest} of its bytecode (computed here, at compile time), every parameter input
 * (sorted by name) and the content digest of every input artifact (sorted by name), which the producing step
 * wrote as its {@code <port>-digest} output. Argo stores memoized outputs in a ConfigMap whose keys must
 * match {@code ^[a-zA-Z0-9][-a-zA-Z0-9]*$} (Argo's cache key rule, stricter than Kubernetes' own) and be at
 * most 253 characters; a lowercase hex SHA-256 is always 64 such characters, whatever the inputs hold.
 * Parameter values are hashed as they travel in the workflow, in their {@link dev.fermion.contract.ValueCodec#armour
 * transport form}, as the local runner hashes them too, so both backends give the same inputs the same key.
 * {@code maxAge} is the cache policy's age, or {@value #FOREVER} (about a century) when it has none: Argo v4
 * falls back to 30 days when maxAge is empty, which is not what "cache forever" means.
 */
final class MemoizeKeys {
    static final String FOREVER = "876000h";

    private MemoizeKeys() {}

    /**
     * The memoization of a step whose code is identified by {@code codeDigest}: {@link CodeDigest} for Java
     * components, {@link dev.fermion.plan.ContainerSpec#digest()} for container and script steps.
     * {@code source}: an expression reading the digest of the step's sources, or null when it reads none
     * (an empty digest adds no line, as {@link CacheKey} writes none for a component that reports none).
     */
    static Memoize memoize(
            ComponentSpec component,
            String codeDigest,
            Map<String, String> params,
            Map<String, String> inputs,
            String source,
            StepOptions o,
            String where,
            String configMap) {
        String material = CacheKey.material(component.className(), component.version(), codeDigest, Map.of(), Map.of());
        if (material.chars().anyMatch(c -> c == '{' || c == '}' || (Character.isISOControl(c) && c != '\n'))) {
            throw new IllegalArgumentException("Cannot cache " + where + ": its version '" + component.version()
                    + "' contains braces or control characters, which cannot be written into an Argo expression; "
                    + "use a plain version such as \"2\" or \"1.4.0\"");
        }
        StringBuilder expr = new StringBuilder("{{=sprig.sha256sum(").append(ArgoExpressions.quote(material));
        params.forEach((name, ref) -> expr.append(" + ")
                .append(ArgoExpressions.quote("param:" + name + "="))
                .append(" + ")
                .append(ref)
                .append(" + '\\n'"));
        inputs.forEach((name, ref) -> expr.append(" + ")
                .append(ArgoExpressions.quote("input:" + name + "="))
                .append(" + ")
                .append(ref)
                .append(" + '\\n'"));
        if (source != null) {
            expr.append(" + (")
                    .append(source)
                    .append(" == '' ? '' : ")
                    .append(ArgoExpressions.quote(CacheKey.SOURCE_FIELD))
                    .append(" + ")
                    .append(ArgoExpressions.keyField(dev.fermion.types.ValueType.of(String.class), source))
                    .append(" + '\\n')");
        }
        expr.append(")}}");
        Duration maxAge = o.cache().maxAge();
        return Memoize.inConfigMap(expr.toString(), maxAge == null ? FOREVER : GoDurations.of(maxAge), configMap);
    }

    /** The {@link CodeDigest} of a Java component's bytecode, its class loaded from the compiler's classpath. */
    static String codeDigest(ComponentSpec component, String where) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try {
            return CodeDigest.of(Class.forName(
                    component.className(), false, loader != null ? loader : MemoizeKeys.class.getClassLoader()));
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException(
                    "Cannot compute the cache key of " + where + ": class "
                            + component.className()
                            + " is not on the compiler's classpath; compile with the pipeline's "
                            + "classes on the classpath (or disable caching for the step with noCache())",
                    e);
        }
    }
}
