package dev.streamrec.model.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
