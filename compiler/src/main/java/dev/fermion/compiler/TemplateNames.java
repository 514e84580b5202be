package dev.fermion.compiler;

import dev.fermion.plan.Names;
import java.util.HashSet;
import java.util.Set;

/**
 * Hands out unique Argo template names. Names come from step, loop, component and sub-pipeline names,
 * cleaned to {@code [a-z0-9-]}, never starting with a digit, at most {@value #MAX} characters; a name
 * already taken gets {@code -2}, {@code -3}, ... in the order templates are created, which follows the
 * plan's definition order, so the same plan always gets the same names.
 */
final class TemplateNames {
    private static final int MAX = 60;
    private final Set<String> taken = new HashSet<>();

    String claim(String wanted) {
        String base = clean(wanted);
        String name = base;
        for (int i = 2; !taken.add(name); i++) {
            name = base + "-" + i;
        }
        return name;
    }

    static String clean(String wanted) {
        String s = Names.sanitize(wanted.replace('.', '-'));
        if (s == null) {
            s = "template";
        }
        if (Character.isDigit(s.charAt(0))) {
            s = "t-" + s;
        }
        if (s.length() > MAX) {
            s = s.substring(0, MAX).replaceAll("-+$", "");
        }
        return s;
    }
}
