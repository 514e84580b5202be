package dev.fermion.components.table;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 fields on a single line: commas separate fields, double quotes enclose fields that contain
 * commas or quotes, and a doubled quote inside a quoted field is a literal quote. Records spanning several
 * lines are not supported because rows are validated and split line by line.
 */
public final class Csv {
    private Csv() {
    }

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
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                line.append(',');
            }
            line.append(quote(fields.get(i)));
        }
        return line.toString();
    }

    private static String quote(String field) {
        boolean needsQuotes = field.indexOf(',') >= 0 || field.indexOf('"') >= 0 || field.indexOf('\n') >= 0
                || field.indexOf('\r') >= 0 || (!field.isEmpty() && (Character.isWhitespace(field.charAt(0))
                || Character.isWhitespace(field.charAt(field.length() - 1))));
        return needsQuotes ? '"' + field.replace("\"", "\"\"") + '"' : field;
    }
}
