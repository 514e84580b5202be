package dev.fermion.components.preprocess;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigInteger;
import java.util.Objects;

/**
 * Count, mean and standard deviation of a stream of numbers, mergeable in any order with identical results:
 * the sums are exact ({@link ExactSum}) and the mean and deviation are the exact values rounded once to the
 * nearest double. Partial results that Beam merges in whatever order its workers finish thus give the same
 * statistics to the last digit, and so the same files and cache keys downstream.
 */
public final class Moments implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Sums are kept in units of 2^-1074, the smallest double. */
    private static final int UNIT = 1074;

    private long count;
    private final ExactSum sum;
    private final ExactSum squares;
    /** Values whose square is beyond the largest double: the deviation is then reported as infinite. */
    private long hugeSquares;

    public Moments() {
        this(0, new ExactSum(), new ExactSum(), 0);
    }

    private Moments(long count, ExactSum sum, ExactSum squares, long hugeSquares) {
        this.count = count;
        this.sum = sum;
        this.squares = squares;
        this.hugeSquares = hugeSquares;
    }

    /** Adds a finite value. */
    public void add(double x) {
        count++;
        sum.add(x);
        if (!squares.addSquare(x)) {
            hugeSquares++;
        }
    }

    public void merge(Moments other) {
        count += other.count;
        sum.add(other.sum);
        squares.add(other.squares);
        hugeSquares += other.hugeSquares;
    }

    /** Writes the exact state, which {@link #readFrom} restores: the sums, not the rounded results. */
    public void writeTo(DataOutput out) throws IOException {
        out.writeLong(count);
        out.writeLong(hugeSquares);
        sum.writeTo(out);
        squares.writeTo(out);
    }

    public static Moments readFrom(DataInput in) throws IOException {
        long count = in.readLong();
        long hugeSquares = in.readLong();
        return new Moments(count, ExactSum.readFrom(in), ExactSum.readFrom(in), hugeSquares);
    }

    public long count() {
        return count;
    }

    /** The mean, NaN without values. */
    public double mean() {
        if (count == 0) {
            return Double.NaN;
        }
        return quotient(sum.units(), BigInteger.valueOf(count).shiftLeft(UNIT));
    }

    /** The population standard deviation, NaN without values. */
    public double std() {
        if (count == 0) {
            return Double.NaN;
        }
        if (hugeSquares > 0) {
            return Double.POSITIVE_INFINITY;
        }
        // variance = sum(x^2) / n - (sum(x) / n)^2 = (n * B * 2^1074 - A^2) / (n^2 * 2^2148) for sums A and B
        // in units of 2^-1074; a square that underflowed can leave it a hair below 0, which is 0.
        BigInteger n = BigInteger.valueOf(count);
        BigInteger a = sum.units();
        BigInteger numerator = n.multiply(squares.units()).shiftLeft(UNIT).subtract(a.multiply(a));
        if (numerator.signum() <= 0) {
            return 0;
        }
        return squareRoot(numerator, n.multiply(n).shiftLeft(2 * UNIT));
    }

    /** The double nearest to {@code num / den} ({@code den > 0}), ties to even. */
    static double quotient(BigInteger num, BigInteger den) {
        if (num.signum() == 0) {
            return 0;
        }
        BigInteger magnitude = num.abs();
        int quantum = quantum(exponent(magnitude, den));
        BigInteger scaledNum = quantum < 0 ? magnitude.shiftLeft(-quantum) : magnitude;
        BigInteger scaledDen = quantum > 0 ? den.shiftLeft(quantum) : den;
        BigInteger[] qr = scaledNum.divideAndRemainder(scaledDen);
        long q = qr[0].longValueExact();
        int half = qr[1].shiftLeft(1).compareTo(scaledDen);
        if (half > 0 || (half == 0 && (q & 1) == 1)) {
            q++;
        }
        double result = Math.scalb((double) q, quantum);
        return num.signum() < 0 ? -result : result;
    }

    /** The double nearest to {@code sqrt(num / den)} ({@code num, den > 0}), ties to even. */
    static double squareRoot(BigInteger num, BigInteger den) {
        int quantum = quantum(Math.floorDiv(exponent(num, den), 2));
        // sqrt(num / den) / 2^quantum = sqrt(w) with w = num * 4^-quantum / den
        BigInteger wNum = quantum < 0 ? num.shiftLeft(-2 * quantum) : num;
        BigInteger wDen = quantum > 0 ? den.shiftLeft(2 * quantum) : den;
        BigInteger t = wNum.divide(wDen).sqrt();
        // sqrt(w) lies in [t, t + 1); it rounds up when w >= (t + 1/2)^2, i.e. 4 wNum >= (4t^2 + 4t + 1) wDen.
        BigInteger midpoint =
                t.multiply(t).add(t).shiftLeft(2).add(BigInteger.ONE).multiply(wDen);
        int half = wNum.shiftLeft(2).compareTo(midpoint);
        long m = t.longValueExact();
        if (half > 0 || (half == 0 && (m & 1) == 1)) {
            m++;
        }
        return Math.scalb((double) m, quantum);
    }

    /** The e with 2^e <= num / den < 2^(e+1), for positive num and den. */
    private static int exponent(BigInteger num, BigInteger den) {
        int e = num.bitLength() - den.bitLength();
        BigInteger left = e < 0 ? num.shiftLeft(-e) : num;
        BigInteger right = e > 0 ? den.shiftLeft(e) : den;
        return left.compareTo(right) < 0 ? e - 1 : e;
    }

    /** The weight of the last bit of a double of binary exponent {@code e}: 53 bits, or fewer when subnormal. */
    private static int quantum(int e) {
        return Math.max(e - 52, -UNIT);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Moments that
                && count == that.count
                && hugeSquares == that.hugeSquares
                && sum.equals(that.sum)
                && squares.equals(that.squares);
    }

    @Override
    public int hashCode() {
        return Objects.hash(count, sum, squares, hugeSquares);
    }
}
