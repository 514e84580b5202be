package dev.fermion.compiler;

import dev.fermion.contract.ValueCodec;
import dev.fermion.types.ValueType;

/**
 * Pieces of Argo's expression language (expr-lang, in {@code {{=...}}} tags) that the compiler writes
 * wherever a run-time value must be inspected rather than pasted: conditions, loop item lists, memoization
 * keys and the arguments of tools that need a value without Fermion's armour.
 *
 * <p>Why expressions: Argo substitutes a plain {@code {{...}}} reference as text before it evaluates the
 * surrounding string, so a value holding a quote or an operator could rewrite a {@code when} condition. In an
 * expression the value is a variable: whatever it contains, it stays one operand. Every expression here
 * reads values through variable paths ({@code workflow.parameters['x']}, {@code inputs.parameters['x']},
 * {@code tasks['t'].outputs.parameters['p']}) and writes literals with {@link #quote}, so no value and no text
 * of a definition can change an expression's structure.
 */
final class ArgoExpressions {
    private static final String PREFIX = quote(ValueCodec.ARMOUR_PREFIX);
    private static final int PREFIX_LENGTH = ValueCodec.ARMOUR_PREFIX.length();

    private ArgoExpressions() {}

    /** A whole tag evaluating {@code expression}. */
    static String tag(String expression) {
        return "{{=" + expression + "}}";
    }

    /**
     * An expr string literal of {@code text}. Besides quotes and backslashes, braces and control characters are
     * written as unicode escapes: Argo ends an expression tag at the first pair of closing braces, inside a
     * string literal or not, so a literal must not hold braces as they are.
     */
    static String quote(String text) {
        StringBuilder b = new StringBuilder(text.length() + 2).append('\'');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\'' -> b.append("\\'");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c == '{' || c == '}' || Character.isISOControl(c)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('\'').toString();
    }

    /** The value of a parameter at {@code path} as written before {@link ValueCodec#armour} (what a tool reads). */
    static String disarmed(String path) {
        return "(hasPrefix(" + path + ", " + PREFIX + ") ? sprig.b64dec(" + path + "[" + PREFIX_LENGTH + ":]) : " + path
                + ")";
    }

    /** {@link ValueCodec#armour} of the text {@code value} evaluates to: its form as a workflow carries it. */
    static String armoured(String value) {
        return "((" + value + " contains " + quote("{{") + " || hasPrefix(" + value + ", " + PREFIX + ")) ? " + PREFIX
                + " + sprig.b64enc(" + value + ") : " + value + ")";
    }

    /**
     * A JSON list of every element of the list {@code list} evaluates to, each as the text a launcher reads
     * ({@link ValueCodec}'s encoding, armoured): strings as they are, other values as JSON. Argo hands each
     * element of a {@code withParam} list to the loop body verbatim, so without this an element holding
     * <code>{{</code> or the armour prefix would not reach the step as it was produced.
     */
    static String itemList(String list) {
        return "toJson(map(fromJSON(" + list + "), {" + armoured("(type(#) == 'string' ? # : toJson(#))") + "}))";
    }

    /**
     * The fan-in list as written ({@link ValueCodec}'s JSON of a {@code List<element>}) from Argo's aggregation
     * {@code aggregated} of a looped task's output. Each iteration exports its value as written, as a JSON
     * string, so Argo aggregates a JSON list of such strings (it would parse values that are JSON objects or
     * lists, and write them back changed). A string or an enum element is that JSON string already; any other
     * value's text is read from its string, and is JSON already.
     */
    static String collectedList(ValueType<?> element, String aggregated) {
        String json = switch (element.kind()) {
            case STRING, ENUM -> "#";
            default -> "fromJSON(#)";
        };
        return "'[' + join(map(fromJSON(" + aggregated + "), {" + json + "}), ',') + ']'";
    }

    /**
     * A value of {@code type} as an element of a JSON list or map, from {@code written}, its text as written: a
     * string or an enum as a JSON string, anything else as its encoded text, which is JSON already.
     */
    static String jsonElement(ValueType<?> type, String written) {
        return switch (type.kind()) {
            case STRING, ENUM -> "toJson(" + written + ")";
            default -> written;
        };
    }

    /**
     * Component {@code name} of the record whose JSON {@code record} evaluates to, as written: a string or an
     * enum as it is, anything else as JSON (Argo reads numbers as floating point, so a whole {@code Double} is
     * written without {@code .0}, and a long beyond 2^53 is rounded).
     */
    static String field(String record, String name, ValueType<?> type) {
        String value = "fromJSON(" + record + ")[" + quote(name) + "]";
        return switch (type.kind()) {
            case STRING, ENUM -> value;
            default -> "toJson(" + value + ")";
        };
    }

    /**
     * A parameter of {@code type} at {@code value} with backslashes and line breaks escaped, as {@code CacheKey}
     * writes each field of a key; plain values have neither.
     */
    static String keyField(ValueType<?> type, String value) {
        if (ValueCodec.isPlain(type)) {
            return value;
        }
        return "replace(replace(" + value + ", '\\\\', '\\\\\\\\'), '\\n', '\\\\n')";
    }

    /** A number, for comparisons: Argo's own conversion, after the whitespace a launcher would ignore too. */
    static String number(String value) {
        return "asFloat(trim(" + value + "))";
    }

    /** A parameter of the workflow, as an expression variable. */
    static String workflowParameter(String name) {
        return "workflow.parameters[" + quote(name) + "]";
    }

    /** An input parameter of the template being evaluated. */
    static String input(String name) {
        return "inputs.parameters[" + quote(name) + "]";
    }

    /** An output parameter of a task of the same DAG. */
    static String taskOutput(String task, String name) {
        return "tasks[" + quote(task) + "].outputs.parameters[" + quote(name) + "]";
    }
}
