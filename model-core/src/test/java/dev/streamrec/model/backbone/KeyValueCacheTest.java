package dev.streamrec.model.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KeyValueCacheTest {

    /** One cached layer, d = 1: position q's key is q + 0.5 and its value -q, its item q. */
    private static void append(KeyValueCache c, int... positions) {
        int t = positions.length;
        float[] keys = new float[t];
        float[] values = new float[t];
        for (int i = 0; i < t; i++) {
            keys[i] = positions[i] + 0.5f;
            values[i] = -positions[i];
        }
        c.append(positions, new float[][] {keys}, new float[][] {values}, 0, new float[] {positions[t - 1]}, 0);
    }

    @Test
    void keepsTheNewestSlotsOldestFirstAcrossTheRingsWrap() {
        KeyValueCache c = KeyValueCache.empty(3, 1, 1);
        append(c, 0, 1);
        assertArrayEquals(new int[] {0, 1}, c.items());
        assertEquals(2, c.next());
        append(c, 2, 3);
        assertArrayEquals(new int[] {1, 2, 3}, c.items());
        assertArrayEquals(new float[] {1.5f, 2.5f, 3.5f}, c.keys(0));
        assertArrayEquals(new float[] {-1, -2, -3}, c.values(0));
        append(c, 4, 5, 6, 7, 8); // more than the slots in one call: only the last three are kept
        assertArrayEquals(new int[] {6, 7, 8}, c.items());
        assertArrayEquals(new float[] {6.5f, 7.5f, 8.5f}, c.keys(0));
        assertEquals(9, c.next());
        assertEquals(3, c.positions());
        assertArrayEquals(new float[] {8}, c.top());
    }

    @Test
    void aCacheMadeFromStoredRowsGoesOnFromThemAndACopyIsIndependent() {
        KeyValueCache stored = new KeyValueCache(3, new int[] {10, 11}, new float[][] {{10.5f, 11.5f}},
                new float[][] {{-10, -11}}, new float[] {11}, 12);
        KeyValueCache copy = stored.copy();
        append(stored, 12, 13);
        assertArrayEquals(new int[] {11, 12, 13}, stored.items());
        assertArrayEquals(new float[] {11.5f, 12.5f, 13.5f}, stored.keys(0));
        assertEquals(14, stored.next());
        assertArrayEquals(new int[] {10, 11}, copy.items());
        assertArrayEquals(new float[] {10.5f, 11.5f}, copy.keys(0));
        assertEquals(12, copy.next());
    }

    @Test
    void refusesRowsThatDoNotFitTogether() {
        float[][] one = {{1f}};
        assertThrows(IllegalArgumentException.class, () -> new KeyValueCache(3, new int[] {1, 2}, one, one, new float[1], 2),
                "two items, one row");
        assertThrows(IllegalArgumentException.class, () -> new KeyValueCache(1, new int[] {1, 2}, new float[][] {{1, 2}},
                new float[][] {{1, 2}}, new float[1], 2), "more positions than slots");
        assertThrows(IllegalArgumentException.class, () -> new KeyValueCache(3, new int[] {1}, one, one, new float[1], 0),
                "fewer positions folded than held");
    }

    @Test
    void aFloat16CacheRoundsWhatItStoresAndGivesItsHalvesAsTheyAre() {
        short[][] key = {{Half.toHalf(10.5f), Half.toHalf(11.5f)}};
        short[][] value = {{Half.toHalf(-10f), Half.toHalf(-11f)}};
        KeyValueCache c = KeyValueCache.ofHalves(3, new int[] {10, 11}, key, value, new float[] {11}, 12);
        KeyValueCache copy = c.copy();
        assertTrue(c.halves());
        c.append(new int[] {12, 13}, new float[][] {{1f / 3, 2049f}}, new float[][] {{-0.1f, 1e-6f}}, 0, new float[] {13}, 0);
        assertArrayEquals(new int[] {11, 12, 13}, c.items());
        assertArrayEquals(new float[] {11.5f, Half.toFloat(Half.toHalf(1f / 3)), 2048f}, c.keys(0), "rounded to halves, ties to even");
        assertArrayEquals(new short[] {Half.toHalf(-11f), Half.toHalf(-0.1f), Half.toHalf(1e-6f)}, c.halfValues(0));
        assertTrue(c.allFinite());
        assertTrue(copy.halves(), "a copy keeps the precision");
        assertArrayEquals(new float[] {10.5f, 11.5f}, copy.keys(0));
        assertThrows(IllegalStateException.class, () -> KeyValueCache.empty(3, 1, 1).halfKeys(0), "a float32 cache has no halves");
    }

    @Test
    void aFloat16CacheKnowsWhenItHoldsAHalfThatIsNotFinite() {
        short[][] none = {{}};
        KeyValueCache c = KeyValueCache.ofHalves(2, new int[0], none, none, new float[1], 0);
        c.append(new int[] {1}, new float[][] {{65504f}}, new float[][] {{-65504f}}, 0, new float[1], 0);
        assertTrue(c.allFinite(), "the largest half");
        c.append(new int[] {2}, new float[][] {{1e6f}}, new float[][] {{0f}}, 0, new float[1], 0);
        assertFalse(c.allFinite(), "1e6 rounds to infinity");
        assertArrayEquals(new float[] {65504f, Float.POSITIVE_INFINITY}, c.keyRing(0), "the widened ring is exact");
        for (int h : new int[] {0x7e00, 0xfe01, 0xfc00, 0x7c00}) { // NaNs and infinities, either sign
            short[][] bad = {{(short) h}};
            assertFalse(KeyValueCache.ofHalves(2, new int[] {1}, bad, new short[][] {{0}}, new float[1], 1).allFinite());
        }
        short[][] largest = {{(short) 0x7bff, (short) 0xfbff}}; // ±65504
        assertTrue(KeyValueCache.ofHalves(2, new int[] {1, 2}, largest, largest, new float[1], 2).allFinite());
    }
}
