package dev.fermion.components.parquet;

import dev.fermion.components.table.Column;
import dev.fermion.components.table.ColumnType;
import dev.fermion.dsl.BadInputException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.LongFunction;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DateLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.EnumLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.JsonLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.StringLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.UUIDLogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * How one top-level Parquet column becomes a Fermion column: numeric or categorical, and the text of each
 * value. Values become the same text a CSV source would hold, so the rest of data preparation treats both
 * sources alike; the function that makes the text is chosen once per column, never per value.
 */
record ColumnText(Column column, Decoder decoder) {
    /** Which of Parquet's physical types the column's values arrive as, and how each becomes text. */
    sealed interface Decoder permits Ints, Longs, Floats, Doubles, Booleans, Binaries {}

    record Ints(IntFunction<String> text) implements Decoder {}

    record Longs(LongFunction<String> text) implements Decoder {}

    record Floats() implements Decoder {}

    record Doubles() implements Decoder {}

    record Booleans() implements Decoder {}

    record Binaries(Function<Binary, String> text) implements Decoder {}

    /** Days between the Julian day 0 that INT96 timestamps count from and 1970-01-01. */
    private static final long JULIAN_EPOCH_DAY = 2_440_588L;

    static ColumnText of(String file, Type field) {
        String name = field.getName();
        if (!field.isPrimitive()) {
            throw new BadInputException(file + ": column '" + name + "' is " + nesting(field.asGroupType())
                    + "; only flat tables can be prepared: write its parts as top-level columns instead");
        }
        if (field.isRepetition(Type.Repetition.REPEATED)) {
            throw new BadInputException(file + ": column '" + name + "' is repeated (several values per "
                    + "row); only flat tables can be prepared: write one value per row and column instead");
        }
        PrimitiveType primitive = field.asPrimitiveType();
        LogicalTypeAnnotation logical = primitive.getLogicalTypeAnnotation();
        Decoder decoder = switch (primitive.getPrimitiveTypeName()) {
            case BOOLEAN -> logical == null ? new Booleans() : null;
            case INT32 -> ints(logical);
            case INT64 -> longs(logical);
            case INT96 -> logical == null ? new Binaries(ColumnText::int96) : null;
            case FLOAT -> logical == null ? new Floats() : null;
            case DOUBLE -> logical == null ? new Doubles() : null;
            case BINARY, FIXED_LEN_BYTE_ARRAY -> binaries(primitive, logical);
        };
        if (decoder == null) {
            throw new BadInputException(file + ": column '" + name + "' holds "
                    + primitive.getPrimitiveTypeName() + (logical == null ? "" : " " + logical)
                    + ", which is neither a number nor a category: write it as a number, decimal, string, "
                    + "boolean, date or timestamp, or leave the column out when writing the file");
        }
        return new ColumnText(
                new Column(name, numeric(logical, decoder) ? ColumnType.NUMERIC : ColumnType.CATEGORICAL), decoder);
    }

    /** Dates, times and timestamps are stored as numbers but mean points in time, so they are categories. */
    private static boolean numeric(LogicalTypeAnnotation logical, Decoder decoder) {
        if (logical instanceof DecimalLogicalTypeAnnotation || logical instanceof IntLogicalTypeAnnotation) {
            return true;
        }
        return logical == null
                && (decoder instanceof Ints
                        || decoder instanceof Longs
                        || decoder instanceof Floats
                        || decoder instanceof Doubles);
    }

    private static Decoder ints(LogicalTypeAnnotation logical) {
        if (logical == null) {
            return new Ints(Integer::toString);
        }
        if (logical instanceof IntLogicalTypeAnnotation integer) {
            return new Ints(integer.isSigned() ? Integer::toString : Integer::toUnsignedString);
        }
        if (logical instanceof DecimalLogicalTypeAnnotation decimal) {
            int scale = decimal.getScale();
            return new Ints(v -> BigDecimal.valueOf(v, scale).toPlainString());
        }
        if (logical instanceof DateLogicalTypeAnnotation) {
            return new Ints(v -> LocalDate.ofEpochDay(v).toString());
        }
        if (logical instanceof TimeLogicalTypeAnnotation time && time.getUnit() == TimeUnit.MILLIS) {
            return new Ints(v -> DateTimeFormatter.ISO_LOCAL_TIME.format(LocalTime.ofNanoOfDay(v * 1_000_000L)));
        }
        return null;
    }

    private static Decoder longs(LogicalTypeAnnotation logical) {
        if (logical == null) {
            return new Longs(Long::toString);
        }
        if (logical instanceof IntLogicalTypeAnnotation integer) {
            return new Longs(integer.isSigned() ? Long::toString : Long::toUnsignedString);
        }
        if (logical instanceof DecimalLogicalTypeAnnotation decimal) {
            int scale = decimal.getScale();
            return new Longs(v -> BigDecimal.valueOf(v, scale).toPlainString());
        }
        if (logical instanceof TimestampLogicalTypeAnnotation timestamp) {
            LongFunction<Instant> instant = instant(timestamp.getUnit());
            return timestamp.isAdjustedToUTC()
                    ? new Longs(v -> instant.apply(v).toString())
                    : new Longs(v -> DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
                            LocalDateTime.ofInstant(instant.apply(v), ZoneOffset.UTC)));
        }
        if (logical instanceof TimeLogicalTypeAnnotation time && time.getUnit() != TimeUnit.MILLIS) {
            long nanosPerUnit = time.getUnit() == TimeUnit.MICROS ? 1_000L : 1L;
            return new Longs(v -> DateTimeFormatter.ISO_LOCAL_TIME.format(LocalTime.ofNanoOfDay(v * nanosPerUnit)));
        }
        return null;
    }

    private static LongFunction<Instant> instant(TimeUnit unit) {
        return switch (unit) {
            case MILLIS -> Instant::ofEpochMilli;
            case MICROS ->
                v -> Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000L), Math.floorMod(v, 1_000_000L) * 1_000L);
            case NANOS ->
                v -> Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000_000L), Math.floorMod(v, 1_000_000_000L));
        };
    }

    /**
     * Binary columns without an annotation are read as UTF-8 text: older writers (Impala, Hive, early Spark)
     * store strings that way.
     */
    private static Decoder binaries(PrimitiveType primitive, LogicalTypeAnnotation logical) {
        boolean fixed = primitive.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY;
        if (logical instanceof DecimalLogicalTypeAnnotation decimal) {
            int scale = decimal.getScale();
            return new Binaries(v -> new BigDecimal(new BigInteger(v.getBytes()), scale).toPlainString());
        }
        if (logical instanceof UUIDLogicalTypeAnnotation) {
            return new Binaries(v -> {
                ByteBuffer bytes = v.toByteBuffer();
                return new UUID(bytes.getLong(), bytes.getLong()).toString();
            });
        }
        boolean text = logical == null
                || logical instanceof StringLogicalTypeAnnotation
                || logical instanceof EnumLogicalTypeAnnotation
                || logical instanceof JsonLogicalTypeAnnotation;
        return text && !fixed ? new Binaries(Binary::toStringUsingUTF8) : null;
    }

    /** Spark and Impala timestamps: nanoseconds of the day, then the Julian day, both little-endian. */
    private static String int96(Binary value) {
        ByteBuffer bytes = value.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long nanosOfDay = bytes.getLong();
        long julianDay = bytes.getInt();
        return Instant.ofEpochSecond((julianDay - JULIAN_EPOCH_DAY) * 86_400L, nanosOfDay)
                .toString();
    }

    private static String nesting(GroupType group) {
        LogicalTypeAnnotation logical = group.getLogicalTypeAnnotation();
        if (logical instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) {
            return "a list";
        }
        if (logical instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation) {
            return "a map";
        }
        return "a group of nested columns";
    }
}
