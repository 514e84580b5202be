package dev.fermion.compiler;

import dev.fermion.compiler.argo.Template;
import dev.fermion.plan.ComponentSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One template per distinct configuration of a component, named after the component the first time the
 * configuration is seen: steps that differ only in their bound values share a template, which keeps
 * workflows with many steps far below Argo's object size limit.
 *
 * @param <K> what makes two steps' templates differ
 */
final class ComponentTemplates<K> {
    private final TemplateNames names;
    private final String suffix;
    private final Map<K, Template> byKey = new LinkedHashMap<>();

    ComponentTemplates(TemplateNames names) {
        this(names, "");
    }

    /** Templates named after the component plus {@code suffix}, for a second kind of template per configuration. */
    ComponentTemplates(TemplateNames names, String suffix) {
        this.names = names;
        this.suffix = suffix;
    }

    Template get(K key, ComponentSpec component, Function<String, Template> build) {
        Template existing = byKey.get(key);
        if (existing != null) {
            return existing;
        }
        String simpleName = component.simpleName();
        Template created = build.apply(names.claim(simpleName.substring(simpleName.lastIndexOf('.') + 1) + suffix));
        byKey.put(key, created);
        return created;
    }

    List<Template> all() {
        return List.copyOf(byKey.values());
    }
}
