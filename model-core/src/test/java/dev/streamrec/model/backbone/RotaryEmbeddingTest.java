package dev.streamrec.model.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
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

    /**
     * A row table rotates each row's heads at that row's own absolute positions, as the shared
     * table does one head at a time, and a key rotated at a position a million events into a
     * history gives the same logit as at the start (the angles are taken in double precision).
     */
    @Test
    void rowTablesRotateEveryHeadOfEveryRowAtItsOwnPositions() {
        try (NDManager m = NDManager.newBaseManager()) {
            Random random = new Random(3);
            int heads = 2;
            float[] x = new float[2 * 3 * heads * DH]; // 2 rows, 3 positions, 2 heads
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextGaussian();
            }
            long[] starts = {0, 1_000_003};
            NDArray rotated = RotaryEmbedding.rotateHeads(m.create(x, new Shape(2, 3, heads * DH)),
                    RotaryEmbedding.rowTable(m, starts, 3, DH), heads);
            for (int b = 0; b < 2; b++) {
                for (int h = 0; h < heads; h++) {
                    NDArray one = m.create(x, new Shape(2, 3, heads, DH)).get(b + ", :, " + h + ", :"); // (3, DH)
                    NDArray expected = RotaryEmbedding.rotate(one, RotaryEmbedding.table(m, (int) starts[b], 3, DH));
                    assertArrayEquals(expected.toFloatArray(),
                            rotated.reshape(2, 3, heads, DH).get(b + ", :, " + h + ", :").toFloatArray(), 1e-6f);
                }
            }
            float[] q = new float[DH];
            float[] k = new float[DH];
            System.arraycopy(x, 0, q, 0, DH);
            System.arraycopy(x, DH, k, 0, DH);
            float near = dot(m, q, 7, k, 3);
            NDArray qFar = RotaryEmbedding.rotate(m.create(q, new Shape(1, DH)), at(m, 1_000_007));
            NDArray kFar = RotaryEmbedding.rotate(m.create(k, new Shape(1, DH)), at(m, 1_000_003));
            assertEquals(near, qFar.mul(kFar).sum().getFloat(), 1e-5f);
        }
    }

    /** The row table of one position, as a (1, DH) table. */
    private static NDList at(NDManager m, long position) {
        NDList t = RotaryEmbedding.rowTable(m, new long[] {position}, 1, DH);
        return new NDList(t.get(0).reshape(1, DH), t.get(1).reshape(1, DH));
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
