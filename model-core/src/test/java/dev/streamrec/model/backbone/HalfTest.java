package dev.streamrec.model.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Half precision: every half round-trips, floats round to the nearest half (ties to even), the fast rounding agrees with the general one. */
class HalfTest {

    @Test
    void everyHalfRoundTripsAndFloatsRoundToTheNearestHalf() {
        for (int h = 0; h < 0x10000; h++) {
            float f = Half.toFloat((short) h);
            assertEquals(Float.floatToRawIntBits(Half.fromHalf((short) h)), Float.floatToRawIntBits(f));
            assertEquals(!Float.isNaN(f) && !Float.isInfinite(f), Half.isFinite((short) h));
            if (!Float.isNaN(f)) {
                assertEquals((short) h, Half.toHalf(f), "half " + Integer.toHexString(h));
            }
        }
        assertEquals(1f, Half.toFloat(Half.toHalf(1f + 0x1p-12f)), "a tie rounds to even");
        assertEquals(1f + 0x1p-10f, Half.toFloat(Half.toHalf(1f + 0x1p-11f + 0x1p-20f)));
        assertEquals(65504f, Half.toFloat(Half.toHalf(65504f)));
        assertTrue(Float.isInfinite(Half.toFloat(Half.toHalf(70000f))));
        assertEquals(0x1p-24f, Half.toFloat(Half.toHalf(0x1p-24f)), "the smallest subnormal");
        assertEquals(0f, Half.toFloat(Half.toHalf(0x1p-26f)));
    }

    /** The branch-free rounding of normal halves agrees with the case-by-case conversion on every float it takes. */
    @Test
    void theFastRoundingOfNormalHalvesAgreesWithTheGeneralConversion() {
        Random random = new Random(9);
        for (int i = 0; i < 2_000_000; i++) {
            float f = Float.intBitsToFloat(random.nextInt());
            if (!Float.isNaN(f)) {
                assertEquals(Half.toHalfAnyRange(f), Half.toHalf(f), Float.toString(f));
            }
        }
        for (int bits = 0x38800000 - 4096; bits < 0x38800000 + 4096; bits++) { // the edges of the fast range
            assertEquals(Half.toHalfAnyRange(Float.intBitsToFloat(bits)), Half.toHalf(Float.intBitsToFloat(bits)));
        }
        for (int bits = 0x477ff000 - 4096; bits < 0x477ff000 + 4096; bits++) {
            assertEquals(Half.toHalfAnyRange(Float.intBitsToFloat(bits)), Half.toHalf(Float.intBitsToFloat(bits)));
        }
    }
}
