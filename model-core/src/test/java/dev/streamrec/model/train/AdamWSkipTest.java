package dev.streamrec.model.train;

import static dev.streamrec.model.train.TensorWritesTest.assertGradient;
import static dev.streamrec.model.train.TensorWritesTest.backward;
import static dev.streamrec.model.train.TensorWritesTest.churnFreedDirectMemory;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The path of MISSRec's SIGSEGV (issue 26): a step refused for a non-finite gradient clears the
 * gradients; once the garbage collector has freed every unreachable buffer and the allocator has
 * handed that memory out again, the next backward pass must still accumulate into libtorch's own
 * memory. The optimiser that crashed cleared them with {@code getGradient().set(zeros)}, and this
 * test read its gradient back as -1.4e35 instead of 2.
 */
class AdamWSkipTest {

    @Test
    void gradientsAfterARefusedStepLiveInLibtorchMemory() throws InterruptedException {
        int n = 64;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.zeros(new Shape(n));
            w.setRequiresGradient(true);
            try (AdamW adam = new AdamW(List.of(AdamW.Trainable.of(w)), 0f, 0f)) {
                backward(w, Float.NaN);
                assertFalse(adam.step(0.1f));
                churnFreedDirectMemory(n * 4);
                backward(w, 2f);
                assertGradient(w, 2f);
            }
        }
    }
}
