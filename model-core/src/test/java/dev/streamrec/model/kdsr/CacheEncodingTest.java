package dev.streamrec.model.kdsr;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
