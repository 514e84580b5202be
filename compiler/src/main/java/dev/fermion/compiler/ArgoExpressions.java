package dev.fermion.compiler;

import dev.fermion.contract.ValueCodec;
import dev.fermion.types.ValueType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;

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
     * ({@link #render}, armoured): strings as they are, other values as Fermion writes them. Argo hands each
     * element of a {@code withParam} list to the loop body verbatim, so without this an element holding
     * <code>{{</code> or the armour prefix would not reach the step as it was produced.
     */
    static String itemList(ValueType<?> element, String list) {
        return "toJson(map(fromJSON(" + list + "), {" + armoured(render(element, "#", true)) + "}))";
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
            case STRING, ENUM -> jsonString(written);
            default -> written;
        };
    }

    /**
     * Component {@code name} of the record whose JSON {@code record} evaluates to, as written: the text
     * {@link ValueCodec#reread} gives it, which a local run passes on too.
     */
    static String field(String record, String name, ValueType<?> type) {
        return render(type, "fromJSON(" + record + ")[" + quote(name) + "]", true);
    }

    /**
     * The text {@link ValueCodec#reread} writes for a value of {@code type} that Argo read from JSON into
     * {@code value} (an expression): {@code top}, as a whole value (a string as it is, a whole {@code Double}
     * below 10^15 as {@code 123456789.0}), otherwise as JSON inside a list, a map or a record. Argo's own
     * {@code toJson} would write Go's JSON instead: {@code 1} for {@code 1.0}, {@code 1e+21}, map keys sorted,
     * {@code <} escaped. A number read from JSON is a double in Argo, so a {@code Long} of 2^53 or more
     * cannot be written exactly: the expression fails with {@link ValueCodec#INEXACT_LONG}, as a local run does.
     *
     * <p>A value read more than once is repeated, not bound with {@code let}: Argo counts a {@code let}'s name as a
     * missing variable, and then leaves an expression that fails unevaluated instead of failing the step.
     */
    static String render(ValueType<?> type, String value, boolean top) {
        return switch (type.kind()) {
            case STRING, ENUM -> top ? value : jsonString(value);
            case INTEGER -> "string(int(" + value + "))";
            case LONG ->
                "(abs(" + value + ") < " + ValueCodec.EXACT_LONG_LIMIT + " ? string(int(" + value + ")) : int("
                        + quote(ValueCodec.INEXACT_LONG) + "))";
            case BOOLEAN -> "string(" + value + ")";
            case DOUBLE -> top ? wholeDouble(value) : javaDouble(value);
            case LIST -> "'[' + join(map(" + value + ", {" + render(type.elementType(), "#", false) + "}), ',') + ']'";
            case MAP ->
                "'{' + join(map(sortBy(toPairs(" + value + "), #[0]), {" + jsonString("#[0]") + " + ':' + "
                        + render(mapValueType(type), "#[1]", false) + "}), ',') + '}'";
            case RECORD -> record(type, value);
            case ARTIFACT -> throw new IllegalArgumentException("artifacts are not read from JSON");
        };
    }

    /** A record's JSON as Jackson writes it: its components in declaration order, a missing one as null. */
    private static String record(ValueType<?> type, String value) {
        StringBuilder json = new StringBuilder(quote("{"));
        String separator = "";
        for (RecordComponent component : type.rawType().getRecordComponents()) {
            String field = value + "[" + quote(component.getName()) + "]";
            String rendered = render(ValueType.fromType(component.getGenericType()), field, false);
            json.append(" + ").append(quote(separator + ValueCodec.json(component.getName()) + ":"));
            json.append(" + ")
                    .append(
                            component.getType().isPrimitive()
                                    ? rendered
                                    : "(" + field + " == nil ? 'null' : " + rendered + ")");
            separator = ",";
        }
        return json.append(" + ").append(quote("}")).toString();
    }

    private static ValueType<?> mapValueType(ValueType<?> map) {
        return map.type() instanceof ParameterizedType p
                ? ValueType.fromType(p.getActualTypeArguments()[1])
                : ValueType.of(String.class);
    }

    /**
     * A double as {@link ValueCodec#encode} writes a whole value: a whole number below 10^15 as its digits and
     * {@code .0}, anything else as {@link #javaDouble}.
     */
    private static String wholeDouble(String value) {
        return "(" + value + " != 0 && abs(" + value + ") < 1e15 && " + value + " == floor(" + value + ") ? string(int("
                + value + ")) + '.0' : " + javaDouble(value) + ")";
    }

    /**
     * A double as Java's {@code Double.toString} writes it, from Go's shortest digits: plain from 10^-3 up to
     * 10^7 ({@code 0.001}, {@code 1234567.0}), otherwise {@code d.dddE[-]n}. Go's {@code string} writes its
     * {@code %v}, which is plain from 10^-4 up to 10^6 and {@code d.ddde±nn} beyond; its {@code toJson} is plain
     * from 10^-6 up to 10^21.
     */
    private static String javaDouble(String value) {
        String go = "string(" + value + ")";
        String json = "toJson(" + value + ")";
        String mantissa = "split(" + go + ", 'e')[0]";
        String scientific = mantissa + " + (" + mantissa + " contains '.' ? '' : '.0') + 'E' + string(int(split(" + go
                + ", 'e')[1]))";
        // From 10^-4 up to 10^-3 Go writes 0.000ddd where Java writes d.ddE-4.
        String digits = "trimPrefix(trimPrefix(" + go + ", '-'), '0.000')";
        String tenThousandths = "(" + value + " < 0 ? '-' : '') + " + digits + "[0:1] + '.' + (len(" + digits
                + ") > 1 ? " + digits + "[1:] : '0') + 'E-4'";
        return "(" + value + " == 0 ? " + go + " + '.0' : abs(" + value + ") >= 0.001 && abs(" + value
                + ") < 10000000 ? (" + json + " contains '.' ? " + json + " : " + json + " + '.0') : " + go
                + " contains 'e' ? " + scientific + " : " + tenThousandths + ")";
    }

    /**
     * A JSON string of the string {@code value}, escaped as Jackson escapes it (and a local run writes it): Go's
     * {@code toJson}, with the escapes Go adds and Jackson does not ({@code <}, {@code >}, {@code &}, U+2028,
     * U+2029) undone and its lower-case hex digits upper-case. Every backslash of Go's output starts an escape,
     * so after splitting at escaped backslashes each remaining one does.
     */
    static String jsonString(String value) {
        String fixed = "#";
        for (Map.Entry<String, String> escape : GO_ONLY_ESCAPES.entrySet()) {
            // The backslash apart: Argo unescapes <, > and & throughout a task's JSON before it reads an expression.
            String go = quote("\\") + " + " + quote(escape.getKey().substring(1));
            fixed = "replace(" + fixed + ", " + go + ", " + quote(escape.getValue()) + ")";
        }
        return "join(map(split(toJson(" + value + "), " + quote("\\\\") + "), {" + fixed + "}), " + quote("\\\\") + ")";
    }

    /** Go's escapes in a JSON string, each with what Jackson writes for the same character. */
    private static final Map<String, String> GO_ONLY_ESCAPES = goOnlyEscapes();

    private static Map<String, String> goOnlyEscapes() {
        Map<String, String> escapes = new LinkedHashMap<>();
        for (char c : new char[] {'<', '>', '&', '\u2028', '\u2029'}) {
            escapes.put(String.format("\\u%04x", (int) c), String.valueOf(c));
        }
        // Both write \b, \t, \n, \f and \r short, and the other control characters as unicode escapes.
        for (int c = 0; c < 0x20; c++) {
            if ("\b\t\n\f\r".indexOf(c) >= 0) {
                continue;
            }
            String go = String.format("\\u%04x", c);
            String jackson = String.format("\\u%04X", c);
            if (!go.equals(jackson)) {
                escapes.put(go, jackson);
            }
        }
        return escapes;
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
