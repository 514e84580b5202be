package dev.fermion.components.preprocess;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * The exact sum of doubles, whatever order they are added or partial sums merged in. Floating addition
 * rounds at every step, so a sum's last digits depend on that order, and Beam merges partial results in
 * whatever order its workers finish. Here every finite double is a multiple of 2^-1074 below 2^1024, so the
 * sum is kept as one fixed-point integer in 32-bit limbs (a "superaccumulator"): adding is exact, and
 * therefore associative and commutative. Each addition touches three limbs; carries are propagated only
 * every 2^30 additions, before any limb could overflow.
 */
final class ExactSum implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Bits 0..2098 of the value's magnitude plus limbs of headroom for carries; the top limb holds the sign. */
    private static final int LIMBS = 68;

    private static final long LOW32 = 0xFFFF_FFFFL;
    private static final int CARRY_EVERY = 1 << 30;

    /** Value = sum of limbs[i] * 2^(32 i - 1074); below the top, limbs are in [0, 2^32) once carried. */
    private final long[] limbs = new long[LIMBS];

    private int uncarried;

    /** Adds a finite double exactly. */
    void add(double x) {
        long bits = Double.doubleToRawLongBits(x);
        int exponent = (int) (bits >>> 52) & 0x7ff;
        long mantissa = bits & 0xF_FFFF_FFFF_FFFFL;
        if (exponent == 0x7ff) {
            throw new IllegalArgumentException("Cannot sum " + x + ": only finite values have an exact sum");
        }
        if (exponent == 0) {
            if (mantissa == 0) {
                return;
            }
            exponent = 1; // subnormal: the same scale as the smallest normal exponent, without the implicit bit
        } else {
            mantissa |= 1L << 52;
        }
        // x = mantissa * 2^(exponent - 1075) = mantissa * 2^position units of 2^-1074
        int position = exponent - 1;
        int limb = position >>> 5;
        int shift = position & 31;
        long low = (mantissa << shift) & LOW32;
        long rest = mantissa >>> (32 - shift);
        long middle = rest & LOW32;
        long high = rest >>> 32;
        if (bits < 0) {
            limbs[limb] -= low;
            limbs[limb + 1] -= middle;
            limbs[limb + 2] -= high;
        } else {
            limbs[limb] += low;
            limbs[limb + 1] += middle;
            limbs[limb + 2] += high;
        }
        if (++uncarried == CARRY_EVERY) {
            carry();
        }
    }

    /**
     * Adds {@code x * x}, exactly when the square neither overflows nor underflows: the rounded square and
     * its rounding error (a fused multiply-add) are both doubles. Returns false, adding nothing, when the
     * square is beyond the largest double.
     */
    boolean addSquare(double x) {
        double square = x * x;
        if (Double.isInfinite(square)) {
            return false;
        }
        add(square);
        add(Math.fma(x, x, -square));
        return true;
    }

    void add(ExactSum other) {
        carry();
        long[] theirs = other.carried();
        for (int i = 0; i < LIMBS; i++) {
            limbs[i] += theirs[i];
        }
        carry();
    }

    /** Writes the sum compactly: the carried limbs that are not zero, a handful for sums of similar values. */
    void writeTo(DataOutput out) throws IOException {
        long[] carried = carried();
        int nonZero = 0;
        for (long limb : carried) {
            nonZero += limb == 0 ? 0 : 1;
        }
        out.writeByte(nonZero);
        for (int i = 0; i < LIMBS; i++) {
            if (carried[i] != 0) {
                out.writeByte(i);
                out.writeLong(carried[i]);
            }
        }
    }

    /** Reads a sum that {@link #writeTo} wrote. */
    static ExactSum readFrom(DataInput in) throws IOException {
        ExactSum sum = new ExactSum();
        int nonZero = in.readUnsignedByte();
        for (int i = 0; i < nonZero; i++) {
            sum.limbs[in.readUnsignedByte()] = in.readLong();
        }
        return sum;
    }

    /** The sum in units of 2^-1074. */
    BigInteger units() {
        long[] carried = carried();
        BigInteger value = BigInteger.valueOf(carried[LIMBS - 1]);
        for (int i = LIMBS - 2; i >= 0; i--) {
            value = value.shiftLeft(32).or(BigInteger.valueOf(carried[i]));
        }
        return value;
    }

    /** Moves every limb's overflow into the next, leaving limbs below the top in [0, 2^32). */
    private void carry() {
        carry(limbs);
        uncarried = 0;
    }

    private long[] carried() {
        long[] copy = Arrays.copyOf(limbs, LIMBS);
        carry(copy);
        return copy;
    }

    private static void carry(long[] limbs) {
        for (int i = 0; i < LIMBS - 1; i++) {
            long carry = limbs[i] >> 32;
            limbs[i] &= LOW32;
            limbs[i + 1] += carry;
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ExactSum that && Arrays.equals(carried(), that.carried());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(carried());
    }
}
