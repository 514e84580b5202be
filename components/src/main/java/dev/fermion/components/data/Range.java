package dev.fermion.components.data;

import java.io.Serializable;

/** The allowed interval of a numeric column, bounds included; written {@code min..max}, either side optional. */
record Range(double min, double max) implements Serializable {

    static Range parse(String column, String text) {
        int dots = text.indexOf("..");
        if (dots < 0) {
            throw new IllegalArgumentException("Range '" + text + "' of column '" + column
                    + "' must be written min..max, e.g. 0..100, 0.. or ..1");
        }
        try {
            String low = text.substring(0, dots).trim();
            String high = text.substring(dots + 2).trim();
            double min = low.isEmpty() ? Double.NEGATIVE_INFINITY : Double.parseDouble(low);
            double max = high.isEmpty() ? Double.POSITIVE_INFINITY : Double.parseDouble(high);
            if (min > max) {
                throw new IllegalArgumentException("Range '" + text + "' of column '" + column
                        + "' is empty: its minimum is above its maximum");
            }
            return new Range(min, max);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Range '" + text + "' of column '" + column
                    + "' has a bound that is not a number; write it min..max, e.g. 0..100", e);
        }
    }

    boolean contains(double x) {
        return x >= min && x <= max;
    }

    @Override
    public String toString() {
        return "[" + min + ", " + max + "]";
    }
}
