package dev.streamrec.model.kdsr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.streamrec.model.backbone.KeyValueCache;
import dev.streamrec.model.backbone.SasRecStepper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SasRecUserStateTest {

    private static final int D = 2;

    /** Items 3, 7 (P = 2, of at most 3 slots) at absolute positions 10 and 11, one cached layer, d = 2. */
    private static final KeyValueCache CACHE = new KeyValueCache(3, new int[] {3, 7},
            new float[][] {{0.5f, -1.25f, 3f, 0f}}, new float[][] {{1f, 2f, -0.75f, 0.125f}}, new float[] {0.25f, -4f}, 12);

    @Test
    void decodesWhatItEncodedInEveryEncodingForTheSameModelAndShapeOnly() {
        for (CacheEncoding e : CacheEncoding.values()) {
            byte[] bytes = new SasRecUserState("sha", CACHE).encode(e);
            assertEquals(1 + 4 + 3 + 1 + 12 + 8 + 4 * 2 + 4 * D + 2 * e.bytes(2, D), bytes.length);
            SasRecUserState back = SasRecUserState.decode(bytes, "sha", 3, 1, D);
            assertArrayEquals(CACHE.items(), back.cache().items());
            assertEquals(12, back.cache().next());
            assertArrayEquals(CACHE.top(), back.cache().top(), "the top is float32 in every encoding");
            float tolerance = e == CacheEncoding.INT8 ? 3f / 127 : 0f; // these values are exact halves
            assertArrayEquals(CACHE.keys(0), back.cache().keys(0), tolerance);
            assertArrayEquals(CACHE.values(0), back.cache().values(0), tolerance);
            assertEquals(e == CacheEncoding.FLOAT16, back.cache().halves(), "a float16 state is read into a float16 cache");
            if (e != CacheEncoding.INT8) {
                assertArrayEquals(bytes, new SasRecUserState("sha", back.cache()).encode(e), "written back as it was read");
            }
            assertNull(SasRecUserState.decode(bytes, "other", 3, 1, D), "another model's cache");
            assertNull(SasRecUserState.decode(bytes, "sha", 1, 1, D), "more positions than the slots");
            assertNull(SasRecUserState.decode(bytes, "sha", 3, 2, D), "another layer count");
            assertNull(SasRecUserState.decode(bytes, "sha", 3, 1, 4), "another d");
            assertNull(SasRecUserState.decode(Arrays.copyOf(bytes, bytes.length - 1), "sha", 3, 1, D), "truncated");
            byte[] formatOne = bytes.clone();
            formatOne[0] = 1;
            assertNull(SasRecUserState.decode(formatOne, "sha", 3, 1, D), "format 1: keys cached unrotated");
            byte[] behind = bytes.clone();
            ByteBuffer.wrap(behind).order(ByteOrder.LITTLE_ENDIAN).putLong(1 + 4 + 3 + 1 + 12, 1); // next = 1 < P
            assertNull(SasRecUserState.decode(behind, "sha", 3, 1, D), "fewer positions folded than cached");
        }
        assertNull(SasRecUserState.decode(new byte[] {9, 0, 0}, "sha", 3, 1, D), "another format");
        assertNull(SasRecUserState.decode(null, "sha", 3, 1, D));
    }

    @Test
    void foldsTheEventOnlyIntoTheCacheThatEndsBeforeIt() {
        SasRecUserState state = new SasRecUserState("sha", CACHE);
        SasRecStepper.Row next = state.rowFor(new int[] {1, 3, 7, 9}, true);
        assertArrayEquals(new int[] {9}, next.pending());
        assertEquals(CACHE, next.cache());
        assertArrayEquals(new int[] {9}, state.rowFor(new int[] {7, 9}, true).pending(), "a window shorter than the cache");
        assertArrayEquals(new int[0], state.rowFor(new int[] {3, 7}, false).pending(), "an unknown newest item adds nothing");
        assertNull(state.rowFor(new int[] {7, 3, 9}, true), "the cache missed item 3");
        assertNull(state.rowFor(new int[] {3, 7, 7, 9}, true), "the cache missed an event of the same item");
        assertArrayEquals(new int[] {9}, state.rowFor(new int[] {9}, true).pending(), "nothing before the event to check");
        KeyValueCache none = new KeyValueCache(3, new int[0], new float[][] {{}}, new float[][] {{}}, new float[D], 0);
        assertNull(new SasRecUserState("sha", none).rowFor(new int[] {3, 9}, true), "a cache of no items");
        assertArrayEquals(new int[] {3, 9}, SasRecUserState.fresh(new int[] {3, 9}).pending());
    }
}
