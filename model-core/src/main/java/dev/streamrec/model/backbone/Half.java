package dev.streamrec.model.backbone;

/**
 * IEEE 754 binary16 (half precision) in Java 17, which has no {@code Float.floatToFloat16}: a
 * float rounded to its nearest half (ties to even; overflow to infinity), a half's float (one
 * lookup), and whether a half is finite. What a key/value cache stores in float16 goes through
 * these ({@link KeyValueCache}, and the stored state's encoding).
 */
public final class Half {

    private Half() {}

    /** The float of a half: exact (every half is a float). */
    public static float toFloat(short h) {
        return FLOATS[h & 0xffff];
    }

    /** The floats of halves, one by one (exact). */
    public static float[] toFloats(short[] halves) {
        float[] out = new float[halves.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = toFloat(halves[i]);
        }
        return out;
    }

    /** Whether a half is finite (not infinity or NaN: its exponent bits are not all ones). */
    public static boolean isFinite(short h) {
        return (h & 0x7c00) != 0x7c00;
    }

    /** The float of every half, by its 16 bits: reading a half is one lookup. */
    private static final float[] FLOATS = new float[0x10000];

    static {
        for (int h = 0; h < FLOATS.length; h++) {
            FLOATS[h] = fromHalf((short) h);
        }
    }

    /**
     * IEEE 754 binary16 of a float, rounded to nearest even.
     * A float whose half is normal (the keys and values of a cache, nearly always) takes the
     * branch-free rounding of its bits; the rest (subnormal, overflow, infinity, NaN) goes through
     * {@link #toHalfAnyRange}, which gives the same half for every float.
     */
    public static short toHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int abs = bits & 0x7fffffff;
        if (abs >= 0x38800000 && abs < 0x477ff000) { // 2^-14 <= |f| < 65520: a normal half after rounding
            int rounded = abs + 0xfff + ((abs >>> 13) & 1); // to nearest, ties to even; a carry moves the exponent
            return (short) (((bits >>> 16) & 0x8000) | ((rounded - 0x38000000) >>> 13));
        }
        return toHalfAnyRange(f);
    }

    /** {@link #toHalf} for any float, case by case. */
    static short toHalfAnyRange(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) {
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0)); // infinity or NaN
        }
        int e = exp - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00); // too large: infinity
        }
        if (e <= 0) { // a half subnormal, or zero
            if (e < -10) {
                return (short) sign;
            }
            int m = mant | 0x800000;
            int shift = 14 - e;
            int half = m >> shift;
            int rest = m & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rest > mid || (rest == mid && (half & 1) != 0)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >> 13);
        int rest = mant & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
            half++; // a carry into the exponent is the right rounding (up to infinity)
        }
        return (short) (sign | half);
    }

    /** The float of an IEEE 754 binary16, case by case (what {@link #toFloat} looks up). */
    static float fromHalf(short h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }
}
