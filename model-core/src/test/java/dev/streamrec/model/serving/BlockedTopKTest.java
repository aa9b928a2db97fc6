package dev.streamrec.model.serving;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.streamrec.model.metrics.TopK;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class BlockedTopKTest {

    @Test
    void shouldEqualTheFullRankingWithExclusions() {
        Engine.getInstance().setRandomSeed(7);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray users = m.randomNormal(new Shape(5, 16));
            NDArray items = m.randomNormal(new Shape(1003, 16));
            float[] full = users.matMul(items.transpose()).toFloatArray();
            BlockedTopK.Candidates c = BlockedTopK.dotProduct(m, users, items, 10 + 3, 128);
            Set<Integer> excluded = Set.of(0, 17, 900);
            for (int b = 0; b < 5; b++) {
                float[] row = java.util.Arrays.copyOfRange(full, b * 1003, (b + 1) * 1003);
                boolean[] ex = new boolean[1003];
                excluded.forEach(i -> ex[i] = true);
                int[] expected = TopK.select(row, 10, ex, 0);
                assertArrayEquals(expected, c.select(b, 10, excluded::contains));
            }
        }
    }
}
