package dev.streamrec.model.bm3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.util.Map;

class InteractionGraphTest {

    private static final float TOL = 1e-5f;
    // u0 -> items 1, 2; u1 -> item 1. Degrees u0 2, u1 1, i1 2, i2 1; nodes u0, u1, pad, i1, i2.
    private static final int[][] TRAIN = {{1, 2}, {1}};
    private static final float W_U0_I1 = 0.5f; // 1/sqrt(2*2)
    private static final float W_U0_I2 = (float) (1 / Math.sqrt(2)); // 1/sqrt(2*1)
    private static final float W_U1_I1 = (float) (1 / Math.sqrt(2)); // 1/sqrt(1*2)

    @Test
    void shouldPropagateWithSymmetricNormalisationAndNoSelfLoops() {
        InteractionGraph g = new InteractionGraph(2, 3, TRAIN);
        try (NDManager m = NDManager.newBaseManager()) {
            // one feature per node: 1, 10, 100, 1000, 10000
            NDArray h = m.create(new float[] {1, 10, 100, 1000, 10000}, new Shape(5, 1));
            float[] out = g.normalisedAdjacency(m).matMul(h).toFloatArray();
            float[] expected = {
                W_U0_I1 * 1000 + W_U0_I2 * 10000, // u0 <- i1, i2
                W_U1_I1 * 1000, // u1 <- i1
                0, // padding is isolated
                W_U0_I1 * 1 + W_U1_I1 * 10, // i1 <- u0, u1
                W_U0_I2 * 1 // i2 <- u0
            };
            assertArrayEquals(expected, out, TOL * 10000);
        }
    }

    @Test
    void shouldReadOutLayerMeanWithItemResidualForBm3() {
        InteractionGraph g = new InteractionGraph(2, 3, TRAIN);
        Bm3Config c = new Bm3Config("bm3", 1, 1, 0.5, 0.1, 2.0, 1e-3, 8, 1, 1, 1L, true);
        try (NDManager m = NDManager.newBaseManager();
                Bm3Model model = new Bm3Model(c, g, Map.of(), m)) {
            model.param("userEmb").set(new float[] {1, 10});
            model.param("itemEmb").set(new float[] {100, 1000, 10000});
            Bm3Model.Propagation p = model.propagate();
            float[] users = p.users().toFloatArray();
            float[] items = p.items().toFloatArray();
            // h_u = (E_u + (ÂE)_u) / 2
            assertArrayEquals(new float[] {(1 + W_U0_I1 * 1000 + W_U0_I2 * 10000) / 2, (10 + W_U1_I1 * 1000) / 2}, users, 1e-2f);
            // h_i = (E_i + (ÂE)_i) / 2 + E_i
            assertArrayEquals(new float[] {
                100 / 2f + 100,
                (1000 + W_U0_I1 * 1 + W_U1_I1 * 10) / 2 + 1000,
                (10000 + W_U0_I2 * 1) / 2 + 10000}, items, 1e-2f);
        }
    }
}
