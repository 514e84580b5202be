package dev.fermion.components.data;

import dev.fermion.components.table.Printable;
import dev.fermion.dsl.BadInputException;
import java.io.Serializable;

/** The allowed interval of a numeric column, bounds included; written {@code min..max}, either side optional. */
record Range(double min, double max) implements Serializable {

    static Range parse(String column, String text) {
        String range = "Input 'ranges': range '" + Printable.of(text) + "' of column '" + Printable.of(column) + "'";
        int dots = text.indexOf("..");
        if (dots < 0) {
            throw new BadInputException(range + " must be written min..max, e.g. 0..100, 0.. or ..1");
        }
        double min;
        double max;
        try {
            String low = text.substring(0, dots).trim();
            String high = text.substring(dots + 2).trim();
            min = low.isEmpty() ? Double.NEGATIVE_INFINITY : Double.parseDouble(low);
            max = high.isEmpty() ? Double.POSITIVE_INFINITY : Double.parseDouble(high);
        } catch (NumberFormatException e) {
            throw new BadInputException(range + " has a bound that is not a number; write it min..max, e.g. 0..100", e);
        }
        if (Double.isNaN(min) || Double.isNaN(max)) {
            throw new BadInputException(range + " has a bound that is not a number; write it min..max, e.g. 0..100");
        }
        if (min > max) {
            throw new BadInputException(range + " is empty: its minimum is above its maximum");
        }
        return new Range(min, max);
    }

    boolean contains(double x) {
        return x >= min && x <= max;
    }

    @Override
    public String toString() {
        return "[" + min + ", " + max + "]";
    }
}
