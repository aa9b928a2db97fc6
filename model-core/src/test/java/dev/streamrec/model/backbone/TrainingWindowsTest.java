package dev.streamrec.model.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrainingWindowsTest {

    @Test
    void shouldCutWindowsFromTheEndAndLeftPad() {
        TrainingWindows w = new TrainingWindows(List.of(new int[] {1, 2, 3, 4, 5, 6}, new int[] {7}), 3);
        // windows of L+1 = 4 from the end with step 3: [3 4 5 6], [1 2 3]; length-1 sequences give none
        assertEquals(2, w.size());
        assertEquals(3 + 2, w.numTargets());
        List<TrainingWindows.Batch> batches = w.epoch(8, new Random(1));
        assertEquals(1, batches.size());
        TrainingWindows.Batch b = batches.get(0);
        long[][] rows = {java.util.Arrays.copyOfRange(b.inputs(), 0, 3), java.util.Arrays.copyOfRange(b.inputs(), 3, 6)};
        long[][] targets = {java.util.Arrays.copyOfRange(b.targets(), 0, 3), java.util.Arrays.copyOfRange(b.targets(), 3, 6)};
        int full = rows[0][0] == 3 ? 0 : 1;
        assertArrayEquals(new long[] {3, 4, 5}, rows[full]);
        assertArrayEquals(new long[] {4, 5, 6}, targets[full]);
        assertArrayEquals(new long[] {0, 1, 2}, rows[1 - full]);
        assertArrayEquals(new long[] {0, 2, 3}, targets[1 - full]);
    }

    /** Trimmed windows are padded to the longest window of their batch, not to L; lengths are the inputs'. */
    @Test
    void trimmedBatchesArePaddedToTheirLongestWindowOnly() {
        TrainingWindows w = new TrainingWindows(List.of(new int[] {1, 2, 3}, new int[] {4, 5}, new int[] {6, 7, 8, 9}), 10, true);
        assertArrayEquals(new int[] {2, 1, 3}, w.lengths());
        TrainingWindows.Batch b = w.batch(new int[] {0, 1});
        assertEquals(2, b.maxLen());
        assertArrayEquals(new long[] {1, 2, 0, 4}, b.inputs());
        assertArrayEquals(new long[] {2, 3, 0, 5}, b.targets());
        assertEquals(10, new TrainingWindows(List.of(new int[] {1, 2, 3}), 10).batch(new int[] {0}).maxLen());
    }
}
