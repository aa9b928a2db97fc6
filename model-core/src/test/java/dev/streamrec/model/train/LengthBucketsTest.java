package dev.streamrec.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LengthBucketsTest {

    /**
     * Every example of the order lands in exactly one batch, the batches are about as many as
     * consecutive ones and each holds at most batchSize × the mean length positions (so short
     * examples come many to a batch, long ones few), a batch's lengths lie close together (lengths
     * 1..50 drawn at random), the batch order is shuffled, and a seed gives the same batches.
     */
    @Test
    void batchesHoldEveryExampleOnceWithLengthsCloseTogether() {
        Random data = new Random(5);
        int n = 1_000;
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) {
            lengths[i] = 1 + data.nextInt(50);
        }
        int[] order = Shuffle.permutation(n, new Random(1));
        int[][] batches = LengthBuckets.batches(order, lengths, 32, new Random(2));
        int[][] consecutive = LengthBuckets.consecutive(order, 32);
        assertTrue(Math.abs(consecutive.length - batches.length) <= 2, batches.length + " batches");
        double budget = 32 * Arrays.stream(lengths).average().orElseThrow();
        int[] seen = new int[n];
        int spreadSum = 0;
        int[] firstLengths = new int[batches.length];
        for (int b = 0; b < batches.length; b++) {
            int min = Integer.MAX_VALUE;
            int max = 0;
            for (int e : batches[b]) {
                seen[e]++;
                min = Math.min(min, lengths[e]);
                max = Math.max(max, lengths[e]);
            }
            spreadSum += max - min;
            firstLengths[b] = lengths[batches[b][0]];
        }
        int[] once = new int[n];
        Arrays.fill(once, 1);
        assertArrayEquals(once, seen);
        for (int[] batch : batches) {
            assertTrue(Arrays.stream(batch).map(e -> lengths[e]).sum() <= budget);
        }
        int shortest = Arrays.stream(batches).filter(b -> lengths[b[0]] <= 3).mapToInt(b -> b.length).max().orElseThrow();
        int longest = Arrays.stream(batches).filter(b -> lengths[b[0]] >= 45).mapToInt(b -> b.length).max().orElseThrow();
        assertTrue(shortest > 100 && longest < 20, shortest + " short examples to a batch, " + longest + " long ones");
        assertTrue(spreadSum / (double) batches.length <= 3, "mean spread " + spreadSum / (double) batches.length);
        int[] ascending = firstLengths.clone();
        Arrays.sort(ascending);
        assertTrue(!Arrays.equals(ascending, firstLengths), "the batches come in a shuffled order");
        assertArrayEquals(batches, LengthBuckets.batches(order, lengths, 32, new Random(2)));
    }
}
