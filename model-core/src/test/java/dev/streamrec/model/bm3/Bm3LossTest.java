package dev.streamrec.model.bm3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class Bm3LossTest {

    private static final float TOL = 1e-6f;

    @Test
    void shouldComputeNegativeCosineAveragedOverTheBatch() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {1, 0, 1, 1}, new Shape(2, 2));
            NDArray b = m.create(new float[] {2, 0, 1, 0}, new Shape(2, 2));
            // cos = 1 and 1/sqrt(2)
            float expected = 1 - (1 + (float) (1 / Math.sqrt(2))) / 2;
            assertEquals(expected, Bm3Loss.negativeCosine(a, b).getFloat(), TOL);
            assertEquals(expected, Bm3Loss.alignment(a, b).getFloat(), TOL);
            assertEquals(expected, Bm3Loss.masking(a, b).getFloat(), TOL);
        }
    }

    @Test
    void shouldSumBothReconstructionDirections() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray u = m.create(new float[] {1, 0}, new Shape(1, 2));
            NDArray i = m.create(new float[] {0, 1}, new Shape(1, 2));
            NDArray uT = m.create(new float[] {1, 1}, new Shape(1, 2));
            NDArray iT = m.create(new float[] {-1, 0}, new Shape(1, 2));
            // C(u, iT) = 1 - (-1) = 2; C(i, uT) = 1 - 1/sqrt(2)
            float expected = 2 + 1 - (float) (1 / Math.sqrt(2));
            assertEquals(expected, Bm3Loss.reconstruction(u, i, uT, iT).getFloat(), TOL);
        }
    }

    @Test
    void shouldRegulariseWithUnsquaredFrobeniusNormsOverItemCount() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray users = m.create(new float[] {3, 4}, new Shape(1, 2)); // ‖·‖ = 5
            NDArray items = m.create(new float[] {1, 0, 0, 0, 0, 0}, new Shape(3, 2)); // ‖·‖ = 1
            assertEquals((5 + 1) / 3f, Bm3Loss.regulariser(users, items, 3).getFloat(), TOL);
        }
    }

    @Test
    void shouldComputeBprAsSoftplusOfTheScoreGap() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray pos = m.create(new float[] {0, 2});
            NDArray neg = m.create(new float[] {0, 0});
            float expected = (float) ((Math.log(2) + Math.log(1 + Math.exp(-2))) / 2);
            assertEquals(expected, Bm3Loss.bpr(pos, neg).getFloat(), TOL);
        }
    }

    @Test
    void shouldNotPropagateGradientsIntoTheTarget() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {1, 2}, new Shape(1, 2));
            NDArray b = m.create(new float[] {3, 1}, new Shape(1, 2));
            a.setRequiresGradient(true);
            b.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(Bm3Loss.negativeCosine(a, b));
            }
            assertEquals(0f, b.getGradient().abs().sum().getFloat(), 0f);
            assertEquals(true, a.getGradient().abs().sum().getFloat() > 0);
        }
    }
}
