package dev.streamrec.model.missrec;

import static dev.streamrec.model.train.TensorWritesTest.assertGradient;
import static dev.streamrec.model.train.TensorWritesTest.backward;
import static dev.streamrec.model.train.TensorWritesTest.churnFreedDirectMemory;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The path of MISSRec's SIGSEGV (issue 26): a step skipped for a non-finite gradient clears the
 * gradients; the next backward pass must accumulate into libtorch's memory, not into a freed Java
 * buffer (before the fix the gradient read back as garbage such as -1.2e33).
 */
class AdamSkipTest {

    @Test
    void gradientsAfterASkippedStepLiveInLibtorchMemory() throws InterruptedException {
        int n = 64;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.zeros(new Shape(n));
            w.setRequiresGradient(true);
            Adam adam = new Adam(List.of(w), 0.1f);
            backward(w, Float.NaN);
            adam.skip();
            churnFreedDirectMemory(n * 4);
            backward(w, 2f);
            assertGradient(w, 2f);
            adam.close();
        }
    }
}
