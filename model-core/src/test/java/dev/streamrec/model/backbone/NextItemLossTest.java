package dev.streamrec.model.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class NextItemLossTest {

    private static final double TOLERANCE = 1e-5;

    @Test
    void shouldMatchHandComputedFullSoftmax() {
        try (NDManager m = NDManager.newBaseManager()) {
            // one sequence, two positions, d = 1; table rows 0..2 = (0, 1, 2)
            NDArray hidden = m.create(new float[] {1, 3}, new Shape(1, 2, 1));
            NDArray table = m.create(new float[] {0, 1, 2}, new Shape(3, 1));
            NDArray targets = m.create(new long[] {0, 2}, new Shape(1, 2)); // first position not counted
            double loss = NextItemLoss.fullSoftmax(hidden, table, targets).getFloat();
            // position 2: logits (0, 3, 6), target 2
            double expected = -(6 - Math.log(Math.exp(0) + Math.exp(3) + Math.exp(6)));
            assertEquals(expected, loss, TOLERANCE);
        }
    }

    @Test
    void shouldMatchHandComputedSampledSoftmaxAndMaskCollisions() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray hidden = m.create(new float[] {1, 2}, new Shape(1, 2, 1));
            NDArray table = m.create(new float[] {0, 1, 2, 3}, new Shape(4, 1));
            NDArray targets = m.create(new long[] {1, 3}, new Shape(1, 2));
            NDArray negatives = m.create(new long[] {2, 3});
            double loss = NextItemLoss.sampledSoftmax(hidden, table, targets, negatives).getFloat();
            // pos 1: h=1, target 1 (logit 1), negatives 2, 3 (logits 2, 3)
            double l1 = -(1 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)));
            // pos 2: h=2, target 3 (logit 6), negative 2 (logit 4); negative 3 is the target: masked
            double l2 = -(6 - Math.log(Math.exp(6) + Math.exp(4)));
            assertEquals((l1 + l2) / 2, loss, TOLERANCE);
        }
    }
}
