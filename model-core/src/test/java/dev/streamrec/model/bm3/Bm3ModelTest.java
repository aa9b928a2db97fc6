package dev.streamrec.model.bm3;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Propagation against a hand-computed 2-user, 3-item graph. */
class Bm3ModelTest {

    private static final float TOL = 1e-5f;
    // u0 -> {i0, i1}, u1 -> {i1, i2}; d_u = 2, 2; d_i = 1, 2, 1
    private static final int[][] TRAIN = {{0, 1}, {1, 2}};

    @Test
    void normalisedAdjacencyIsSymmetricDegreeNormalisedWithoutSelfLoops() {
        float[] a = Bm3Graph.normalised(TRAIN, 3);
        float s = (float) (1 / Math.sqrt(2));
        assertArrayEquals(new float[] {s, 0.5f, 0f, 0f, 0.5f, s}, a, TOL);
    }

    @Test
    void oneLayerPropagationIsLayerMeanWithItemResidual() {
        for (String variant : new String[] {"lightgcn", "bm3"}) {
            Bm3Config c = new Bm3Config(variant, 2, 1, 0, 0, 2, 1e-3, 2, 1, 1, 1, false, "random");
            try (NDManager m = NDManager.newBaseManager(); Bm3Model model = new Bm3Model(c, m, TRAIN, 3, Map.of())) {
                float[] eu = model.userEmbedding().toFloatArray();
                float[] ei = model.itemEmbedding().toFloatArray();
                float s = (float) (1 / Math.sqrt(2));
                float[][] a = {{s, 0.5f, 0}, {0, 0.5f, s}};
                float[] hu = new float[4];
                float[] hi = new float[6];
                for (int k = 0; k < 2; k++) {
                    for (int u = 0; u < 2; u++) {
                        float agg = 0;
                        for (int i = 0; i < 3; i++) {
                            agg += a[u][i] * ei[i * 2 + k];
                        }
                        hu[u * 2 + k] = (eu[u * 2 + k] + agg) / 2;
                    }
                    for (int i = 0; i < 3; i++) {
                        float agg = 0;
                        for (int u = 0; u < 2; u++) {
                            agg += a[u][i] * eu[u * 2 + k];
                        }
                        hi[i * 2 + k] = (ei[i * 2 + k] + agg) / 2 + (variant.equals("bm3") ? ei[i * 2 + k] : 0);
                    }
                }
                NDList h = model.propagate();
                assertArrayEquals(hu, h.get(0).toFloatArray(), TOL, variant + " users");
                assertArrayEquals(hi, h.get(1).toFloatArray(), TOL, variant + " items");
            }
        }
    }

    @Test
    void zeroLayersIsPlainEmbedding() {
        Bm3Config c = new Bm3Config("mf-bpr", 3, 0, 0, 0, 2, 1e-3, 2, 1, 1, 1, false, "random");
        try (NDManager m = NDManager.newBaseManager(); Bm3Model model = new Bm3Model(c, m, TRAIN, 3, Map.of())) {
            assertArrayEquals(model.userEmbedding().toFloatArray(), model.propagate().get(0).toFloatArray(), TOL);
            assertEquals(9, model.propagate().get(1).size());
        }
    }
}
