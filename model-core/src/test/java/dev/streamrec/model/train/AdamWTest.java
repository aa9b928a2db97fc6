package dev.streamrec.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.List;

import org.junit.jupiter.api.Test;

/** AdamW's update against hand-computed values. */
class AdamWTest {

    @Test
    void firstStepsMatchHandComputedAdamW() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(new float[] {1f, -1f, 2f, 0.5f}, new Shape(2, 2));
            w.setRequiresGradient(true);
            NDArray bias = m.create(new float[] {1f, 1f});
            bias.setRequiresGradient(true);
            try (AdamW adam = new AdamW(List.of(AdamW.Trainable.of(w), new AdamW.Trainable(bias, 0.5f)), 0.1f, 0f)) {
                TensorWritesTest.backward(w, 3f); // g = 3 everywhere
                TensorWritesTest.backward(bias, -2f);
                adam.step(0.01f);
                // step 1: m̂/√v̂ = sign(g); decoupled decay w·(1 - lr·wd) on the matrix only
                assertArrayEquals(new float[] {1f * 0.999f - 0.01f, -1f * 0.999f - 0.01f, 2f * 0.999f - 0.01f,
                        0.5f * 0.999f - 0.01f}, w.toFloatArray(), 1e-6f);
                assertArrayEquals(new float[] {1.005f, 1.005f}, bias.toFloatArray(), 1e-6f);
                TensorWritesTest.assertGradient(w, 0f);
                // step 2 with g = 1: m = 0.9·0.3 + 0.1 = 0.37 → m̂ = 0.37/0.19; v = 0.999·0.009 + 0.001 → v̂ = v/(1-0.999²)
                TensorWritesTest.backward(w, 1f);
                TensorWritesTest.backward(bias, 0f);
                float before = w.toFloatArray()[0];
                adam.step(0.01f);
                double mHat = 0.37 / (1 - 0.81);
                double vHat = (0.999 * 0.009 + 0.001) / (1 - 0.999 * 0.999);
                double expected = before * (1 - 0.001) - 0.01 * mHat / Math.sqrt(vHat);
                assertEquals(expected, w.toFloatArray()[0], 1e-6);
                assertEquals(2, adam.steps());
            }
        }
    }

    @Test
    void aGivenBeta2SetsTheSecondMomentsDecay() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(new float[] {1f});
            w.setRequiresGradient(true);
            try (AdamW adam = new AdamW(List.of(AdamW.Trainable.of(w)), 0f, 0f, 0.98f)) {
                TensorWritesTest.backward(w, 3f);
                adam.step(0.01f);
                TensorWritesTest.backward(w, 1f);
                float before = w.toFloatArray()[0];
                adam.step(0.01f);
                // m̂ = 0.37/0.19 as with 0.999; v = 0.98·0.18 + 0.02·1 → v̂ = v/(1-0.98²)
                double mHat = 0.37 / (1 - 0.81);
                double vHat = (0.98 * 0.18 + 0.02) / (1 - 0.98 * 0.98);
                assertEquals(before - 0.01 * mHat / Math.sqrt(vHat), w.toFloatArray()[0], 1e-6);
            }
        }
    }

    @Test
    void clipsToTheGlobalNormAndRefusesNonFiniteGradients() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.zeros(new Shape(4));
            w.setRequiresGradient(true);
            try (AdamW adam = new AdamW(List.of(AdamW.Trainable.of(w)), 0f, 1f)) {
                TensorWritesTest.backward(w, 3f);
                adam.step(0.1f);
                assertEquals(6f, adam.lastGradientNorm(), 1e-5f); // |(3,3,3,3)| before clipping
                assertArrayEquals(new float[] {-0.1f, -0.1f, -0.1f, -0.1f}, w.toFloatArray(), 1e-6f);
                TensorWritesTest.backward(w, Float.POSITIVE_INFINITY);
                assertFalse(adam.step(0.1f));
                assertArrayEquals(new float[] {-0.1f, -0.1f, -0.1f, -0.1f}, w.toFloatArray(), 1e-6f);
                TensorWritesTest.assertGradient(w, 0f);
                assertEquals(1, adam.steps());
            }
        }
    }
}
