package dev.fermion.components.table;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 fields on a single line: commas separate fields, double quotes enclose fields that contain
 * commas or quotes, and a doubled quote inside a quoted field is a literal quote. Records spanning several
 * lines are not supported because rows are validated and split line by line.
 */
public final class Csv {
    private Csv() {}

    /** Splits one line into fields; throws {@link IllegalArgumentException} naming the offending character. */
    public static List<String> parse(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == ',') {
                fields.add(wasQuoted ? field.toString() : field.toString().trim());
                field.setLength(0);
                wasQuoted = false;
            } else if (c == '"') {
                if (!field.toString().isBlank()) {
                    throw new IllegalArgumentException("unexpected quote at character " + (i + 1)
                            + ": quote the whole field and double quotes inside it");
                }
                field.setLength(0);
                quoted = true;
                wasQuoted = true;
            } else if (wasQuoted) {
                if (!Character.isWhitespace(c)) {
                    throw new IllegalArgumentException("text after closing quote at character " + (i + 1));
                }
            } else {
                field.append(c);
            }
            i++;
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quoted field: a closing quote is missing");
        }
        fields.add(wasQuoted ? field.toString() : field.toString().trim());
        return fields;
    }

    public static String format(List<String> fields) {
        return appendRecord(new StringBuilder(), fields).toString();
    }

    /** Appends one record, without its line break, to {@code line}; returns {@code line}. */
    public static StringBuilder appendRecord(StringBuilder line, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                line.append(',');
            }
            appendField(line, fields.get(i));
        }
        return line;
    }

    /** Appends one field, quoted when it needs to be, to {@code line}; returns {@code line}. */
    public static StringBuilder appendField(StringBuilder line, String field) {
        if (!needsQuotes(field)) {
            return line.append(field);
        }
        line.append('"');
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '"') {
                line.append('"');
            }
            line.append(c);
        }
        return line.append('"');
    }

    /** A separator, quote or line break inside, or white space at either end, which parsing would trim. */
    private static boolean needsQuotes(String field) {
        int n = field.length();
        if (n == 0) {
            return false;
        }
        if (Character.isWhitespace(field.charAt(0)) || Character.isWhitespace(field.charAt(n - 1))) {
            return true;
        }
        for (int i = 0; i < n; i++) {
            char c = field.charAt(i);
            if (c == ',' || c == '"' || c == '\n' || c == '\r') {
                return true;
            }
        }
        return false;
    }
}
