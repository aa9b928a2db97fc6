package dev.streamrec.model.kdsr;

import dev.streamrec.model.backbone.Half;

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
                    halves[i] = Half.toHalf(x[i]);
                }
                writeHalves(out, halves);
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
        return switch (this) {
            case FLOAT32 -> {
                float[] x = new float[rows * d];
                in.asFloatBuffer().get(x);
                in.position(in.position() + 4 * x.length);
                yield x;
            }
            case FLOAT16 -> Half.toFloats(readHalves(in, rows * d));
            case INT8 -> {
                float[] x = new float[rows * d];
                byte[] row = new byte[d];
                for (int start = 0; start < x.length; start += d) {
                    float scale = in.getFloat();
                    in.get(row);
                    for (int i = 0; i < d; i++) {
                        x[start + i] = row[i] * scale;
                    }
                }
                yield x;
            }
        };
    }

    /** Writes halves as {@link #FLOAT16} stores them (a cache that holds its rows in float16 gives them as they are). */
    public static void writeHalves(ByteBuffer out, short[] halves) {
        out.asShortBuffer().put(halves);
        out.position(out.position() + 2 * halves.length);
    }

    /** Reads {@code count} halves that {@link #FLOAT16} stored. */
    public static short[] readHalves(ByteBuffer in, int count) {
        short[] halves = new short[count];
        in.asShortBuffer().get(halves);
        in.position(in.position() + 2 * count);
        return halves;
    }
}
