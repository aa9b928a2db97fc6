package dev.streamrec.model.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RotaryEmbeddingTest {

    private static final int DH = 8;

    private static float dot(NDManager m, float[] q, int a, float[] k, int b) {
        NDArray qa = RotaryEmbedding.rotate(m.create(q, new Shape(1, DH)), RotaryEmbedding.table(m, a, 1, DH));
        NDArray kb = RotaryEmbedding.rotate(m.create(k, new Shape(1, DH)), RotaryEmbedding.table(m, b, 1, DH));
        return qa.mul(kb).sum().getFloat();
    }

    /** The logit of a query at a and a key at b depends on b - a only: shifting both, or rotating only the key by b - a, changes nothing. */
    @Test
    void logitsDependOnTheOffsetAlone() {
        try (NDManager m = NDManager.newBaseManager()) {
            Random random = new Random(2);
            float[] q = new float[DH];
            float[] k = new float[DH];
            for (int i = 0; i < DH; i++) {
                q[i] = (float) random.nextGaussian();
                k[i] = (float) random.nextGaussian();
            }
            for (int[] ab : new int[][] {{0, 0}, {5, 2}, {2, 5}, {-3, 4}, {40, 1}}) {
                float logit = dot(m, q, ab[0], k, ab[1]);
                assertEquals(logit, dot(m, q, ab[0] + 1000, k, ab[1] + 1000), 1e-4f);
                assertEquals(logit, dot(m, q, 0, k, ab[1] - ab[0]), 1e-5f);
            }
        }
    }

    @Test
    void positionZeroIsTheIdentityAndRotationsKeepTheNorm() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] x = {1, 2, 3, 4, -1, -2, -3, -4};
            NDArray v = m.create(x, new Shape(1, DH));
            assertArrayEquals(x, RotaryEmbedding.rotate(v, RotaryEmbedding.table(m, 0, 1, DH)).toFloatArray(), 0f);
            NDArray turned = RotaryEmbedding.rotate(v, RotaryEmbedding.table(m, 17, 1, DH));
            assertEquals(v.norm().getFloat(), turned.norm().getFloat(), 1e-4f);
        }
    }
}
