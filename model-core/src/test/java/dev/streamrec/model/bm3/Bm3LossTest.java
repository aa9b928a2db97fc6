package dev.streamrec.model.bm3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each loss against hand-computed values on tiny tensors. */
class Bm3LossTest {

    private static final float TOL = 1e-5f;

    @Test
    void cosineLossIsOneMinusMeanCosine() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {1, 0, 0, 1}, new Shape(2, 2));
            NDArray b = m.create(new float[] {2, 0, 1, 1}, new Shape(2, 2));
            // cos = 1 and 1/sqrt(2)
            assertEquals(1 - (1 + 1 / Math.sqrt(2)) / 2, Bm3Loss.cosineLoss(a, b).getFloat(), TOL);
        }
    }

    @Test
    void embeddingNormIsUnsquaredFrobeniusOverItemCount() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray hu = m.create(new float[] {3, 4}, new Shape(1, 2));
            NDArray hi = m.create(new float[] {1, 0, 0, 0}, new Shape(2, 2));
            assertEquals((5 + 1) / 2.0, Bm3Loss.embeddingNorm(hu, hi).getFloat(), TOL);
        }
    }

    @Test
    void bprAndL2() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray pos = m.create(new float[] {2, 0});
            NDArray neg = m.create(new float[] {0, 0});
            double expected = (Math.log(1 + Math.exp(-2)) + Math.log(2)) / 2;
            assertEquals(expected, Bm3Loss.bpr(pos, neg).getFloat(), TOL);
            NDArray eu = m.create(new float[] {1, 2}, new Shape(1, 2));
            NDArray ei = m.create(new float[] {1, 0}, new Shape(1, 2));
            NDArray ej = m.create(new float[] {0, 1}, new Shape(1, 2));
            assertEquals(3.5, Bm3Loss.l2(eu, ei, ej).getFloat(), TOL);
        }
    }

    @Test
    void targetViewIsDetachedInvertedDropout() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(50, 20));
            float[] v = Bm3Loss.targetView(x, 0.5).toFloatArray();
            int zeros = 0;
            for (float f : v) {
                assertTrue(f == 0f || Math.abs(f - 2f) < TOL);
                zeros += f == 0f ? 1 : 0;
            }
            assertTrue(zeros > 300 && zeros < 700, "about half dropped: " + zeros);
            assertEquals(1000f, Bm3Loss.targetView(x, 0).sum().getFloat(), TOL);
        }
    }

    @Test
    void bm3ObjectiveWithoutDropoutMatchesHandComputedTerms() {
        int[][] train = {{0, 1}, {1, 2}};
        Bm3Config c = new Bm3Config("bm3", 3, 1, 0, 0.1, 2.0, 1e-3, 2, 1, 1, 3, false, "random");
        float[][] x = {{1, 0}, {0, 1}, {1, 1}};
        try (NDManager m = NDManager.newBaseManager();
                Bm3Model model = new Bm3Model(c, m, train, 3, Map.of("text", x))) {
            NDArray users = m.create(new int[] {0, 1});
            NDArray items = m.create(new int[] {1, 2});
            NDList out = Bm3Loss.bm3(model, users, items);
            NDList h = model.propagate();
            NDArray hu = h.get(0).get(users);
            NDArray hi = h.get(1).get(items);
            NDArray z = model.project("text", items);
            double rec = cos(model.predict(hu), hi) + cos(model.predict(hi), hu);
            double align = cos(model.predict(z), hi) + cos(model.predict(z), z);
            double reg = (norm(h.get(0)) + norm(h.get(1))) / 3;
            assertEquals(rec, out.get(1).getFloat(), TOL);
            assertEquals(align, out.get(2).getFloat(), TOL);
            assertEquals(reg, out.get(3).getFloat(), TOL);
            assertEquals(rec + 0.1 * reg + 2.0 * align, out.get(0).getFloat(), 1e-4);
        }
    }

    /** 1 − mean cosine, computed in Java. */
    private static double cos(NDArray a, NDArray b) {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        int d = (int) a.getShape().get(1);
        int rows = x.length / d;
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            double dot = 0;
            double nx = 0;
            double ny = 0;
            for (int k = 0; k < d; k++) {
                dot += x[r * d + k] * y[r * d + k];
                nx += x[r * d + k] * x[r * d + k];
                ny += y[r * d + k] * y[r * d + k];
            }
            sum += dot / Math.sqrt(nx) / Math.sqrt(ny);
        }
        return 1 - sum / rows;
    }

    private static double norm(NDArray a) {
        double s = 0;
        for (float f : a.toFloatArray()) {
            s += f * f;
        }
        return Math.sqrt(s);
    }
}
