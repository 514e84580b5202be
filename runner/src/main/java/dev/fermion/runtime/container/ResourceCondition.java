package dev.fermion.runtime.container;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A success or failure condition of a resource step in Argo's syntax: requirements joined by commas, all
 * of which must hold, each a dotted field path of the object, an operator ({@code ==}, {@code =}, {@code !=},
 * {@code >}, {@code <}, {@code >=}, {@code <=}) and a value. Numbers compare as numbers, anything else as
 * text; a missing field satisfies only {@code !=}.
 */
final class ResourceCondition {
    private static final Pattern REQUIREMENT =
            Pattern.compile("\\s*([A-Za-z0-9_.\\-/]+)\\s*(==|!=|>=|<=|=|>|<)\\s*(\\S+)\\s*");

    private record Requirement(List<String> path, String op, String value) {}

    private final String text;
    private final List<Requirement> requirements = new ArrayList<>();

    ResourceCondition(String text) {
        this.text = text;
        for (String part : text.split(",")) {
            Matcher m = REQUIREMENT.matcher(part);
            if (!m.matches()) {
                throw new IllegalArgumentException("cannot read the condition '" + text + "': write requirements such "
                        + "as \"status.phase == Bound\" or \"status.succeeded > 0\", joined by commas");
            }
            requirements.add(new Requirement(List.of(m.group(1).split("\\.")), m.group(2), m.group(3)));
        }
    }

    boolean holds(JsonNode object) {
        for (Requirement r : requirements) {
            JsonNode field = object;
            for (String name : r.path()) {
                field = field == null ? null : field.get(name);
            }
            if (!holds(r, field == null || field.isNull() || field.isContainerNode() ? null : field.asText())) {
                return false;
            }
        }
        return true;
    }

    private static boolean holds(Requirement r, String actual) {
        if (actual == null) {
            return r.op().equals("!=");
        }
        Double left = number(actual);
        Double right = number(r.value());
        int order = left != null && right != null ? Double.compare(left, right) : actual.compareTo(r.value());
        return switch (r.op()) {
            case "=", "==" -> order == 0;
            case "!=" -> order != 0;
            case ">" -> order > 0;
            case "<" -> order < 0;
            case ">=" -> order >= 0;
            case "<=" -> order <= 0;
            default -> false;
        };
    }

    private static Double number(String text) {
        try {
            return Double.valueOf(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
