package dev.streamrec.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Writes through {@link TensorWrites} stay in libtorch's memory: after the garbage collector has
 * freed every unreachable direct buffer and the allocator has handed that memory out again, the
 * tensor still holds what was written and a backward pass accumulates into it correctly.
 */
public class TensorWritesTest {

    private static final int N = 64;

    @Test
    void overwrittenParameterKeepsItsValuesAndGradientsAfterCollection() throws InterruptedException {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.zeros(new Shape(8, 8));
            w.setRequiresGradient(true);
            float[] values = new float[N];
            for (int i = 0; i < N; i++) {
                values[i] = i * 0.5f;
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                TensorWrites.overwrite(w, values); // on a thread that records gradients
            }
            churnFreedDirectMemory(N * 4);
            assertArrayEquals(values, w.toFloatArray(), 0f);
            backward(w, 3f);
            assertGradient(w, 3f);
        }
    }

    @Test
    void zeroedGradientClearsNaNAndAccumulatesInOwnedMemory() throws InterruptedException {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.zeros(new Shape(N));
            w.setRequiresGradient(true);
            backward(w, Float.NaN);
            TensorWrites.zeroGradient(w);
            churnFreedDirectMemory(N * 4);
            assertGradient(w, 0f);
            backward(w, 2f);
            assertGradient(w, 2f);
        }
    }

    @Test
    void refusesValuesOfAnotherSize() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.zeros(new Shape(N));
            assertThrows(IllegalArgumentException.class, () -> TensorWrites.overwrite(w, new float[N - 1]));
        }
    }

    /** d(sum(factor * w))/dw = factor, accumulated into w's gradient. */
    public static void backward(NDArray w, float factor) {
        try (NDScope s = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            s.suppressNotUsedWarning();
            gc.backward(w.mul(factor).sum());
        }
    }

    public static void assertGradient(NDArray w, float expected) {
        float[] want = new float[Math.toIntExact(w.size())];
        Arrays.fill(want, expected);
        try (NDArray g = w.getGradient()) {
            assertArrayEquals(want, g.toFloatArray(), 0f);
        }
    }

    /**
     * Frees unreachable direct buffers (garbage collection, then their cleaners) and allocates many
     * of the same size filled with 7s, so that memory a tensor still points at is handed out again.
     */
    public static List<ByteBuffer> churnFreedDirectMemory(int bytes) throws InterruptedException {
        List<ByteBuffer> reused = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            System.gc();
            Thread.sleep(20);
            for (int i = 0; i < 50; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
                for (int j = 0; j + 4 <= bytes; j += 4) {
                    b.putFloat(j, 7f);
                }
                reused.add(b);
            }
        }
        return reused;
    }
}
