package dev.fermion.components.table;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What an error message may show of a user's file. Messages end up on terminals and in logs, where a
 * file's raw bytes would move the cursor, change colours, or hide the message itself; so control
 * characters are shown as escapes ({@code \n}, {@code \u001b}), bytes that are not UTF-8 as {@code \xff},
 * long text is cut with a note of what was left out, and a file that is not text at all is named as such.
 */
public final class Printable {
    /** Characters of one value shown before it is cut. */
    static final int MAX_VALUE = 80;
    /** Values of a list shown before the rest is counted. */
    static final int MAX_VALUES = 30;
    /** Bytes a file is judged by. */
    public static final int HEAD = 8192;

    private static final HexFormat HEX = HexFormat.of();

    private Printable() {}

    /** {@code text} with control characters escaped and cut after {@link #MAX_VALUE} characters. */
    public static String of(String text) {
        return of(text, MAX_VALUE);
    }

    /** {@code text} with control characters escaped and cut after {@code max} characters. */
    public static String of(String text, int max) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), max) + 16);
        int shown = 0;
        int i = 0;
        while (i < text.length() && shown < max) {
            int c = text.codePointAt(i);
            escape(c, out);
            i += Character.charCount(c);
            shown++;
        }
        if (i < text.length()) {
            out.append("\u2026 (").append(text.codePointCount(i, text.length())).append(" more characters)");
        }
        return out.toString();
    }

    /** A list of values as {@code [a, b, ...]}, each shown with {@link #of}, the tail of a long list counted. */
    public static String list(List<String> values) {
        String shown = values.stream().limit(MAX_VALUES).map(Printable::of).collect(Collectors.joining(", "));
        return "[" + shown + (values.size() > MAX_VALUES ? ", \u2026 " + (values.size() - MAX_VALUES) + " more" : "")
                + "]";
    }

    /**
     * Decodes UTF-8, turning each byte that is not part of valid UTF-8 into the text {@code \xNN} rather than
     * a replacement character, so a message can show which bytes were there.
     */
    public static String decode(byte[] bytes, int length) {
        StringBuilder text = new StringBuilder(length);
        decode(bytes, length, true, text);
        return text.toString();
    }

    /** Decodes into {@code text} and returns the number of bytes that are not UTF-8. */
    private static int decode(byte[] bytes, int length, boolean complete, StringBuilder text) {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, 0, length);
        CharBuffer out = CharBuffer.allocate(length + 1);
        int invalid = 0;
        while (true) {
            CoderResult result = decoder.decode(in, out, complete);
            text.append(out.flip());
            out.clear();
            if (result.isError()) {
                for (int i = 0; i < result.length(); i++) {
                    text.append("\\x").append(HEX.toHexDigits(in.get()));
                    invalid++;
                }
            } else if (result.isUnderflow()) {
                return invalid;
            }
        }
    }

    /**
     * Says what a file that is not text seems to be, judged by its first bytes (up to {@link #HEAD}): a
     * known format by its signature, or any file with a NUL byte or with many bytes that are neither text
     * nor UTF-8. Empty when it looks like text.
     */
    public static Optional<String> binaryKind(byte[] head, int length) {
        Optional<String> known = signature(head, length);
        if (known.isPresent()) {
            return known;
        }
        int odd = 0;
        for (int i = 0; i < length; i++) {
            int b = head[i] & 0xff;
            if (b == 0) {
                return Optional.of("it holds NUL bytes, which text does not");
            }
            if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f') {
                odd++;
            }
        }
        // A sample cut at HEAD may end inside a character, which is no fault of the file.
        odd += decode(head, length, length < HEAD, new StringBuilder(length));
        if (odd * 10 > length) {
            return Optional.of("more than a tenth of its first bytes are control characters or not UTF-8");
        }
        return Optional.empty();
    }

    private static Optional<String> signature(byte[] head, int length) {
        if (starts(head, length, 'P', 'A', 'R', '1')) {
            return Optional.of("it starts like a Parquet file: set 'format' to PARQUET, or name it .parquet");
        }
        if (starts(head, length, 0x1f, 0x8b)) {
            return Optional.of("it starts like a gzip file: decompress it first");
        }
        if (starts(head, length, 'P', 'K', 3, 4)) {
            return Optional.of("it starts like a zip archive (an Excel .xlsx workbook is one): export or extract "
                    + "the CSV first");
        }
        if (starts(head, length, 0xd0, 0xcf, 0x11, 0xe0)) {
            return Optional.of("it starts like an Excel .xls workbook: export it as CSV");
        }
        if (starts(head, length, 'B', 'Z', 'h')) {
            return Optional.of("it starts like a bzip2 file: decompress it first");
        }
        if (starts(head, length, 0x28, 0xb5, 0x2f, 0xfd)) {
            return Optional.of("it starts like a Zstandard file: decompress it first");
        }
        return Optional.empty();
    }

    private static boolean starts(byte[] head, int length, int... signature) {
        if (length < signature.length) {
            return false;
        }
        for (int i = 0; i < signature.length; i++) {
            if ((head[i] & 0xff) != signature[i]) {
                return false;
            }
        }
        return true;
    }

    private static void escape(int c, StringBuilder out) {
        switch (c) {
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            case '\\' -> out.append('\\');
            default -> {
                if (Character.isISOControl(c) || c == 0xFFFD || isBidiControl(c)) {
                    out.append(String.format("\\u%04x", c));
                } else {
                    out.appendCodePoint(c);
                }
            }
        }
    }

    /** Characters that reorder the text around them on a terminal, hiding what a message says. */
    private static boolean isBidiControl(int c) {
        return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f;
    }
}
