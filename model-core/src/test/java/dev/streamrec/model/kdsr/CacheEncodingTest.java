package dev.streamrec.model.kdsr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CacheEncodingTest {

    private static final int D = 16;

    private static float[] roundTrip(CacheEncoding e, float[] x) {
        ByteBuffer b = ByteBuffer.allocate(e.bytes(x.length / D, D)).order(ByteOrder.LITTLE_ENDIAN);
        e.write(b, x, D);
        assertEquals(0, b.remaining(), "bytes() is what write() writes");
        b.flip();
        return e.read(b, x.length / D, D);
    }

    @Test
    void everyHalfRoundTripsAndFloatsRoundToTheNearestHalf() {
        for (int h = 0; h < 0x10000; h++) {
            float f = CacheEncoding.fromHalf((short) h);
            if (!Float.isNaN(f)) {
                assertEquals((short) h, CacheEncoding.toHalf(f), "half " + Integer.toHexString(h));
            }
        }
        assertEquals(1f, CacheEncoding.fromHalf(CacheEncoding.toHalf(1f + 0x1p-12f)), "a tie rounds to even");
        assertEquals(1f + 0x1p-10f, CacheEncoding.fromHalf(CacheEncoding.toHalf(1f + 0x1p-11f + 0x1p-20f)));
        assertEquals(65504f, CacheEncoding.fromHalf(CacheEncoding.toHalf(65504f)));
        assertTrue(Float.isInfinite(CacheEncoding.fromHalf(CacheEncoding.toHalf(70000f))));
        assertEquals(0x1p-24f, CacheEncoding.fromHalf(CacheEncoding.toHalf(0x1p-24f)), "the smallest subnormal");
        assertEquals(0f, CacheEncoding.fromHalf(CacheEncoding.toHalf(0x1p-26f)));
    }

    /** The branch-free rounding of normal halves agrees with the case-by-case conversion on every float it takes. */
    @Test
    void theFastRoundingOfNormalHalvesAgreesWithTheGeneralConversion() {
        Random random = new Random(9);
        for (int i = 0; i < 2_000_000; i++) {
            float f = Float.intBitsToFloat(random.nextInt());
            if (!Float.isNaN(f)) {
                assertEquals(CacheEncoding.toHalfAnyRange(f), CacheEncoding.toHalf(f), Float.toString(f));
            }
        }
        for (int bits = 0x38800000 - 4096; bits < 0x38800000 + 4096; bits++) { // the edges of the fast range
            assertEquals(CacheEncoding.toHalfAnyRange(Float.intBitsToFloat(bits)), CacheEncoding.toHalf(Float.intBitsToFloat(bits)));
        }
        for (int bits = 0x477ff000 - 4096; bits < 0x477ff000 + 4096; bits++) {
            assertEquals(CacheEncoding.toHalfAnyRange(Float.intBitsToFloat(bits)), CacheEncoding.toHalf(Float.intBitsToFloat(bits)));
        }
    }

    /** float32 is exact; float16 within 2^-11 relative; int8 within half a step of max|row|/127. */
    @Test
    void eachEncodingKeepsItsBound() {
        Random random = new Random(4);
        float[] x = new float[8 * D];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(3) - 1));
        }
        java.util.Arrays.fill(x, 3 * D, 4 * D, 0f); // a row of zeros
        float[] f32 = roundTrip(CacheEncoding.FLOAT32, x);
        float[] f16 = roundTrip(CacheEncoding.FLOAT16, x);
        float[] i8 = roundTrip(CacheEncoding.INT8, x);
        for (int row = 0; row < 8; row++) {
            float max = 0;
            for (int i = row * D; i < (row + 1) * D; i++) {
                max = Math.max(max, Math.abs(x[i]));
            }
            for (int i = row * D; i < (row + 1) * D; i++) {
                assertEquals(x[i], f32[i], 0f);
                assertEquals(x[i], f16[i], Math.abs(x[i]) * 0x1p-11f + 1e-7f);
                assertEquals(x[i], i8[i], max / 127f / 2f * 1.0001f);
            }
        }
        assertEquals(8 * D * 4, CacheEncoding.FLOAT32.bytes(8, D));
        assertEquals(8 * D * 2, CacheEncoding.FLOAT16.bytes(8, D));
        assertEquals(8 * (D + 4), CacheEncoding.INT8.bytes(8, D));
    }
}
