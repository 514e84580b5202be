package dev.fermion.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.fermion.types.ValueType;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * How parameter values are written as text, the form Argo parameters and the launcher's files carry:
 * strings as they are, numbers and booleans in their Java text form, enums by constant name, and lists,
 * maps and records as compact JSON.
 *
 * <p>Argo would evaluate any {@code {{...}}} inside a value written into a workflow, so values that contain
 * <code>{{</code> are armoured as {@link #ARMOUR_PREFIX} + base64 before they enter a workflow; the launcher
 * decodes them. Values that happen to start with the prefix are armoured too, so decoding is exact. The armour
 * is a transport form only: {@link #decode} reads a value as a user or a definition wrote it, and nothing but
 * {@link #disarm} (applied where a value leaves a workflow) ever removes armour, so a user's value that merely
 * looks armoured arrives as it was given.
 */
public final class ValueCodec {
    public static final String ARMOUR_PREFIX = "fermion:b64:";

    /** 2^53: Argo reads a JSON number as a double, exact for whole numbers below it. */
    public static final long EXACT_LONG_LIMIT = 1L << 53;

    /** Why a value read from JSON is refused where it holds a {@code Long} of {@link #EXACT_LONG_LIMIT} or more. */
    public static final String INEXACT_LONG = "fermion: a Long of 2^53 (9007199254740992) or more inside a record or "
            + "a list item cannot be read exactly on Argo, which reads JSON numbers as doubles; pass it as a String";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .findAndAddModules()
            .build();
    private static final ObjectMapper SORTED = JsonMapper.builder()
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .findAndAddModules()
            .build();

    private ValueCodec() {}

    public static String encode(ValueType<?> type, Object value) {
        if (value == null) {
            throw new IllegalArgumentException("null is not a value of " + type.displayName());
        }
        return switch (type.kind()) {
            case STRING -> (String) value;
            case INTEGER, LONG, BOOLEAN -> value.toString();
            case DOUBLE -> encodeDouble(((Number) value).doubleValue());
            case ENUM -> ((Enum<?>) value).name();
            case LIST, MAP, RECORD -> json(value);
            case ARTIFACT -> throw new IllegalArgumentException("artifacts are not encoded as parameters");
        };
    }

    private static String encodeDouble(double d) {
        // -0.0 goes through Double.toString: the long detour would drop its sign.
        if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15 && !isNegativeZero(d)) {
            return Long.toString((long) d) + ".0";
        }
        return Double.toString(d);
    }

    private static boolean isNegativeZero(double d) {
        return Double.doubleToRawLongBits(d) == Double.doubleToRawLongBits(-0.0);
    }

    /** Parses {@code text} as a value of {@code type}; the message names the expected type on failure. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static <T> T decode(ValueType<T> type, String text) {
        if (text == null) {
            throw new IllegalArgumentException("missing value, expected " + type.displayName());
        }
        String s = text;
        try {
            Object value = switch (type.kind()) {
                case STRING -> s;
                case INTEGER -> Integer.valueOf(s.trim());
                case LONG -> Long.valueOf(s.trim());
                case DOUBLE -> Double.valueOf(s.trim());
                case BOOLEAN -> parseBoolean(s.trim());
                case ENUM -> Enum.valueOf((Class) type.rawType(), s.trim());
                case LIST, MAP, RECORD -> {
                    JavaType javaType = JSON.getTypeFactory().constructType(type.type());
                    yield JSON.readValue(s, javaType);
                }
                case ARTIFACT -> throw new IllegalArgumentException("artifacts are not decoded from parameters");
            };
            return (T) value;
        } catch (NumberFormatException | JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "'" + abbreviate(s) + "' is not a valid " + type.displayName() + hint(type), e);
        } catch (IllegalArgumentException e) {
            if (type.kind() == ValueType.Kind.ENUM) {
                throw new IllegalArgumentException(
                        "'" + abbreviate(s) + "' is not a valid " + type.displayName() + ": use one of "
                                + java.util.Arrays.toString(type.rawType().getEnumConstants()),
                        e);
            }
            throw e;
        }
    }

    private static String hint(ValueType<?> type) {
        return switch (type.kind()) {
            case LIST -> " (write a JSON array, e.g. [1, 2])";
            case MAP, RECORD -> " (write a JSON object)";
            case BOOLEAN -> " (write true or false)";
            default -> "";
        };
    }

    private static Boolean parseBoolean(String s) {
        if (s.equalsIgnoreCase("true")) {
            return Boolean.TRUE;
        }
        if (s.equalsIgnoreCase("false")) {
            return Boolean.FALSE;
        }
        throw new NumberFormatException("not a boolean");
    }

    /**
     * Whether every value of {@code type} encodes as plain text: numbers, booleans, enum constants and lists of
     * them. Such text holds no braces, quotes, backslashes or line breaks, so {@link #armour} never changes it
     * and it needs no escaping wherever it is written.
     */
    public static boolean isPlain(ValueType<?> type) {
        return switch (type.kind()) {
            case INTEGER, LONG, DOUBLE, BOOLEAN, ENUM -> true;
            case LIST -> isPlain(type.elementType());
            case STRING, MAP, RECORD, ARTIFACT -> false;
        };
    }

    /**
     * Component {@code name} of the record encoded as {@code record}, encoded as a value of {@code type}.
     *
     * @throws IllegalArgumentException when the record has no such component or it is null
     */
    public static String field(String record, String name, ValueType<?> type) {
        JsonNode node;
        try {
            node = JSON.readTree(record).get(name);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("'" + abbreviate(record) + "' is not a record (a JSON object)", e);
        }
        if (node == null || node.isNull()) {
            throw new IllegalArgumentException(
                    "the record '" + abbreviate(record) + "' has no value for '" + name + "'");
        }
        Object value = decode(
                type,
                node.isTextual() && (type.kind() == ValueType.Kind.STRING || type.kind() == ValueType.Kind.ENUM)
                        ? node.asText()
                        : node.toString());
        return reread(type, value);
    }

    /**
     * The text of {@code value} read out of JSON (a record's component, an item of a list of records or of
     * doubles), as a local run and Argo both pass it on: {@link #encode}'s, with the entries of every map in
     * the order of their keys, since Argo reads a JSON object into an unordered map.
     *
     * @throws IllegalArgumentException ({@link #INEXACT_LONG}) where the value holds a {@code Long} of
     *     magnitude {@link #EXACT_LONG_LIMIT} or more, which Argo would round
     */
    public static String reread(ValueType<?> type, Object value) {
        return switch (type.kind()) {
            case LIST, MAP, RECORD -> {
                String text = write(SORTED, value);
                try {
                    requireExact(JSON.readTree(text));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("Jackson cannot read its own JSON " + abbreviate(text), e);
                }
                yield text;
            }
            case LONG -> {
                if (!exact(BigInteger.valueOf((Long) value))) {
                    throw new IllegalArgumentException(INEXACT_LONG);
                }
                yield encode(type, value);
            }
            default -> encode(type, value);
        };
    }

    /**
     * {@code text}, the value of a {@code type} written as it is, as an element of a JSON list or map: a string or
     * an enum as a JSON string, anything else as it is (it is JSON already).
     */
    public static String element(ValueType<?> type, String text) {
        return type.kind() == ValueType.Kind.STRING || type.kind() == ValueType.Kind.ENUM ? json(text) : text;
    }

    private static void requireExact(JsonNode node) {
        if (node.isIntegralNumber() && !exact(node.bigIntegerValue())) {
            throw new IllegalArgumentException(INEXACT_LONG);
        }
        node.elements().forEachRemaining(ValueCodec::requireExact);
    }

    private static boolean exact(BigInteger value) {
        return value.abs().compareTo(BigInteger.valueOf(EXACT_LONG_LIMIT)) < 0;
    }

    /** The encoded value, armoured if Argo could mistake part of it for an expression. */
    public static String armour(String encoded) {
        if (encoded.contains("{{") || encoded.startsWith(ARMOUR_PREFIX)) {
            return ARMOUR_PREFIX + Base64.getEncoder().encodeToString(encoded.getBytes(StandardCharsets.UTF_8));
        }
        return encoded;
    }

    /** The value {@link #armour} was given; text without the prefix is returned as it is. */
    public static String disarm(String text) {
        if (text.startsWith(ARMOUR_PREFIX)) {
            return new String(
                    Base64.getDecoder().decode(text.substring(ARMOUR_PREFIX.length())), StandardCharsets.UTF_8);
        }
        return text;
    }

    public static String json(Object value) {
        return write(JSON, value);
    }

    private static String write(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "cannot write " + value.getClass().getSimpleName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
