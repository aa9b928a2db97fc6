package dev.streamrec.model.kdsr;

import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * How a SASRec key/value cache's rows (d floats each: one position's key or value in one layer)
 * are stored ({@link SasRecUserState}): float32 (exact), float16 (IEEE half precision, rounded to
 * nearest even: about 3 significant digits) or int8 with a float32 scale per row (max |x| / 127).
 * Bytes per row: 4·d, 2·d and d + 4. The effect of each on the scores is measured in
 * docs/serving.md; {@link #DEFAULT} is chosen there.
 */
public enum CacheEncoding {
    FLOAT32, FLOAT16, INT8;

    /** What the server writes (float16: half the bytes of float32 for score errors far below a ranking's gaps). */
    public static final CacheEncoding DEFAULT = FLOAT16;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CacheEncoding of(String id) {
        for (CacheEncoding e : values()) {
            if (e.id().equals(id)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown cache encoding '" + id + "' (float32, float16 or int8)");
    }

    /** Bytes of {@code rows} rows of {@code d} floats. */
    public int bytes(int rows, int d) {
        return switch (this) {
            case FLOAT32 -> 4 * rows * d;
            case FLOAT16 -> 2 * rows * d;
            case INT8 -> rows * (d + 4);
        };
    }

    /**
     * Writes {@code x} (rows of {@code d} floats) into {@code out} (little-endian), in bulk: the
     * halves or bytes are made in an array first and put at once, not one buffer call per value.
     */
    public void write(ByteBuffer out, float[] x, int d) {
        switch (this) {
            case FLOAT32 -> {
                out.asFloatBuffer().put(x);
                out.position(out.position() + 4 * x.length);
            }
            case FLOAT16 -> {
                short[] halves = new short[x.length];
                for (int i = 0; i < x.length; i++) {
                    halves[i] = toHalf(x[i]);
                }
                out.asShortBuffer().put(halves);
                out.position(out.position() + 2 * x.length);
            }
            case INT8 -> {
                byte[] row = new byte[d];
                for (int start = 0; start < x.length; start += d) {
                    float max = 0;
                    for (int i = start; i < start + d; i++) {
                        max = Math.max(max, Math.abs(x[i]));
                    }
                    float scale = max / 127f;
                    for (int i = 0; i < d; i++) {
                        row[i] = scale == 0 ? 0 : (byte) Math.max(-127, Math.min(127, Math.round(x[start + i] / scale)));
                    }
                    out.putFloat(scale).put(row);
                }
            }
        }
    }

    /** Reads {@code rows} rows of {@code d} floats that {@link #write} wrote. */
    public float[] read(ByteBuffer in, int rows, int d) {
        float[] x = new float[rows * d];
        switch (this) {
            case FLOAT32 -> {
                in.asFloatBuffer().get(x);
                in.position(in.position() + 4 * x.length);
            }
            case FLOAT16 -> {
                short[] halves = new short[x.length];
                in.asShortBuffer().get(halves);
                in.position(in.position() + 2 * x.length);
                for (int i = 0; i < x.length; i++) {
                    x[i] = HALVES[halves[i] & 0xffff];
                }
            }
            case INT8 -> {
                byte[] row = new byte[d];
                for (int start = 0; start < x.length; start += d) {
                    float scale = in.getFloat();
                    in.get(row);
                    for (int i = 0; i < d; i++) {
                        x[start + i] = row[i] * scale;
                    }
                }
            }
        }
        return x;
    }

    /** The float of every half, by its 16 bits: reading a half is one lookup. */
    private static final float[] HALVES = new float[0x10000];

    static {
        for (int h = 0; h < HALVES.length; h++) {
            HALVES[h] = fromHalf((short) h);
        }
    }

    /**
     * IEEE 754 binary16 of a float, rounded to nearest even (Java 17 has no Float.floatToFloat16).
     * A float whose half is normal (the keys and values of a cache, nearly always) takes the
     * branch-free rounding of its bits; the rest (subnormal, overflow, infinity, NaN) goes through
     * {@link #toHalfAnyRange}, which gives the same half for every float.
     */
    static short toHalf(float f) {
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

    /** The float of an IEEE 754 binary16. */
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
