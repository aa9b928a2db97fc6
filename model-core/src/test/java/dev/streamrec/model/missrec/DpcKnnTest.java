package dev.streamrec.model.missrec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.streamrec.model.train.TensorWritesTest;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

class DpcKnnTest {

    private static final float TOL = 1e-4f;

    /** Three tight, well separated blobs of 6 points each in 4-d, plus 2 padding rows. */
    private static float[] blobs(Random r, int pad) {
        float[][] centres = {{10, 0, 0, 0}, {0, 10, 0, 0}, {0, 0, 10, 10}};
        float[] x = new float[(18 + pad) * 4];
        for (int i = 0; i < 18; i++) {
            for (int k = 0; k < 4; k++) {
                x[i * 4 + k] = centres[i / 6][k] + (float) r.nextGaussian() * 0.1f;
            }
        }
        return x;
    }

    @Test
    void shouldRecoverKnownClustersWithCentroidsAtMemberMeans() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] x = blobs(new Random(1), 2);
            NDArray tokens = m.create(x, new Shape(1, 20, 4));
            float[] maskValues = new float[20];
            for (int i = 0; i < 18; i++) {
                maskValues[i] = 1f;
            }
            NDArray mask = m.create(maskValues, new Shape(1, 20));
            // K_c = ceil(0.15 * 18) = 3 prototypes, k = ceil(0.3 * 18) = 6 neighbours
            Interests r = DpcKnn.discover(tokens, mask, 0.15f, 0.3f);
            long[] a = r.assignment().toLongArray();
            for (int blob = 0; blob < 3; blob++) {
                Set<Long> labels = new HashSet<>();
                for (int i = blob * 6; i < blob * 6 + 6; i++) {
                    labels.add(a[i]);
                }
                assertEquals(1, labels.size(), "blob " + blob + " is one interest");
            }
            assertNotEquals(a[0], a[6]);
            assertNotEquals(a[6], a[12]);
            assertNotEquals(a[0], a[12]);
            float[] interestMask = r.mask().toFloatArray();
            assertEquals(3f, interestMask[0] + interestMask[1] + interestMask[2], TOL);
            float[] c = r.centroids().toFloatArray();
            for (int blob = 0; blob < 3; blob++) {
                int slot = (int) a[blob * 6];
                for (int k = 0; k < 4; k++) {
                    float mean = 0;
                    for (int i = blob * 6; i < blob * 6 + 6; i++) {
                        mean += x[i * 4 + k] / 6f;
                    }
                    assertEquals(mean, c[slot * 4 + k], TOL);
                }
            }
        }
    }

    @Test
    void shouldComputeDensityByThePaperFormula() {
        // 1-d points 0, 1, 3 (D = 1 so the √D scaling is the identity), k = ceil(0.66 * 3) = 2 incl. self:
        // rho_0 = exp(-(0 + 1)/2), rho_1 = exp(-(0 + 1)/2), rho_2 = exp(-(0 + 4)/2)
        // ties: nobody is strictly denser than 0 or 1 -> both take their largest distance (3, 2);
        // score rho*delta: 0 -> 3e^-.5 = 1.82, 1 -> 2e^-.5 = 1.21, 2 -> 2e^-2 = 0.27 (delta_2 = 2)
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray tokens = m.create(new float[] {0, 1, 3}, new Shape(1, 3, 1));
            NDArray mask = m.ones(new Shape(1, 3));
            Interests r = DpcKnn.discover(tokens, mask, 0.66f, 0.66f); // K_c = 2: prototypes 0 and 1
            long[] a = r.assignment().toLongArray();
            assertEquals(0, a[0]);
            assertEquals(1, a[1]);
            assertEquals(1, a[2]); // 3 is nearer to 1 than to 0
            assertArrayEquals(new float[] {0, 2}, r.centroids().toFloatArray(), TOL); // slot 1: mean(1, 3)
        }
    }

    @Test
    void shouldMatchAFullRecomputationIncrementally() {
        try (NDManager m = NDManager.newBaseManager()) {
            Random r = new Random(3);
            int items = 5;
            IncrementalDpcKnn inc = new IncrementalDpcKnn(m, items, 2, 0.3f, 0.3f);
            float[] all = new float[8 * 2 * 3];
            Interests last = null;
            for (int i = 0; i < 8; i++) {
                float[] t = new float[6];
                for (int k = 0; k < 6; k++) {
                    t[k] = (float) r.nextGaussian();
                }
                System.arraycopy(t, 0, all, i * 6, 6);
                last = inc.append(m.create(t, new Shape(2, 3)));
            }
            // window: the last 5 items = 10 tokens
            float[] window = new float[30];
            System.arraycopy(all, 3 * 6, window, 0, 30);
            Interests full = DpcKnn.discover(m.create(window, new Shape(1, 10, 3)), m.ones(new Shape(1, 10)), 0.3f, 0.3f);
            assertArrayEquals(full.assignment().toLongArray(), last.assignment().toLongArray());
            assertArrayEquals(full.centroids().toFloatArray(), last.centroids().toFloatArray(), TOL);
            inc.close();
        }
    }

    @Test
    void shouldKeepItsOwnCopyOfAppendedTokens() throws InterruptedException {
        int dim = 512; // 2 x 512 floats = 4 KiB, a size the allocator hands out again once freed
        float[] t = new float[2 * dim];
        for (int k = 0; k < t.length; k++) {
            t[k] = k * 0.5f;
        }
        try (NDManager m = NDManager.newBaseManager();
                IncrementalDpcKnn inc = new IncrementalDpcKnn(m, 5, 2, 0.5f, 0.5f)) {
            try (NDManager caller = m.newSubManager()) {
                NDArray tokens = caller.create(t, new Shape(2, dim)); // storage: a Java buffer of the caller's wrapper
                inc.append(tokens);
                tokens.set(new NDIndex("..."), -5f);
                assertArrayEquals(t, inc.tokens().toFloatArray(), 0f, "the cache shares the caller's tokens");
            }
            TensorWritesTest.churnFreedDirectMemory(t.length * 4);
            assertArrayEquals(t, inc.tokens().toFloatArray(), 0f);
        }
    }

    @Test
    void shouldFindKnownClustersWithMiniBatchKMeans() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] x = blobs(new Random(2), 0);
            NDArray tokens = m.create(x, new Shape(18, 4));
            NDArray centroids = new MiniBatchKMeans(3, 8, 20, 1e-6f, 5L).fit(tokens);
            int[] labels = MiniBatchKMeans.nearest(tokens, centroids);
            Set<Integer> distinct = new HashSet<>();
            for (int blob = 0; blob < 3; blob++) {
                for (int i = blob * 6; i < blob * 6 + 6; i++) {
                    assertEquals(labels[blob * 6], labels[i]);
                }
                distinct.add(labels[blob * 6]);
            }
            assertEquals(3, distinct.size());
        }
    }

    @Test
    void shouldBuildDeduplicatedInterestSequencesFromGlobalTables() {
        try (NDManager m = NDManager.newBaseManager()) {
            int[][] table = {{0, 1, 2, 1}, {0, 3, 3, 2}}; // items 1..3, two modalities
            NDArray centroids = m.create(new float[][] {{0, 0}, {1, 1}, {2, 2}, {3, 3}});
            GlobalInterests g = new GlobalInterests(table, centroids);
            Interests r = g.forBatch(new int[][] {{1, 3}, {2}}, m);
            // row 0: ids {1,3} u {1,2} = {1,2,3}; row 1: {2,3}, padded
            assertArrayEquals(new float[] {1, 1, 1, 1, 1, 0}, r.mask().toFloatArray(), TOL);
            assertArrayEquals(new float[] {1, 1, 2, 2, 3, 3, 2, 2, 3, 3, 0, 0}, r.centroids().toFloatArray(), TOL);
        }
    }

    /**
     * The partial top-k of {@link DpcKnn#localDensity} gives the densities of the definition's
     * full sort of every distance row (the form it replaced), over batches of sequences of mixed
     * lengths with padding and ratios whose k differs between the sequences of a batch.
     */
    @Test
    void localDensityOverTheNearestEqualsTheFullSort() {
        Random random = new Random(5);
        try (NDManager m = NDManager.newBaseManager()) {
            for (float knnRatio : new float[] {0.1f, 0.25f, 0.3f, 0.5f, 1f}) {
                int b = 6;
                int n = 23;
                float[] x = new float[b * n * 8];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) random.nextGaussian();
                }
                float[] mask = new float[b * n];
                for (int s = 0; s < b; s++) {
                    int length = 1 + random.nextInt(n);
                    for (int i = 0; i < length; i++) {
                        mask[s * n + i] = 1f;
                    }
                }
                NDArray d2 = DpcKnn.scaledSquaredDistances(m.create(x, new Shape(b, n, 8)));
                NDArray valid = m.create(mask, new Shape(b, n));
                // the definition with a full sort of every row
                NDArray sorted = d2.add(valid.expandDims(1).sub(1f).mul(-DpcKnn.FAR)).sort(2);
                NDArray k = valid.sum(new int[] {1}, true).mul(knnRatio).ceil().maximum(1f);
                NDArray inKnn = m.arange(0f, (float) n, 1f).reshape(1, 1, n).lt(k.expandDims(2)).toType(
                        ai.djl.ndarray.types.DataType.FLOAT32, false);
                float[] expected = sorted.mul(inKnn).sum(new int[] {2}).div(k).neg().exp()
                        .mul(valid).add(valid.sub(1f)).toFloatArray();
                assertArrayEquals(expected, DpcKnn.localDensity(d2, valid, knnRatio).toFloatArray(), 1e-6f,
                        "knnRatio " + knnRatio);
            }
        }
    }
}
