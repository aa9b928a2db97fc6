package dev.streamrec.model.train;

import static dev.streamrec.model.train.TensorWritesTest.assertGradient;
import static dev.streamrec.model.train.TensorWritesTest.churnFreedDirectMemory;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

/**
 * A garbage collection between the forward and the backward pass (freed direct buffers handed out
 * again, filled with 7s) leaves the gradient of an op with a Java number exact when it goes through
 * {@link Scalars}. With DJL's {@code x.mul(3f)} the gradient reads 7 instead of 3.
 */
public class ScalarsTest {

    private static final int N = 16;

    /** d(sum(op(w)))/dw, with the freed direct memory reused between forward and backward. */
    private static void backwardAfterChurn(NDArray w, UnaryOperator<NDArray> op) throws InterruptedException {
        try (NDScope s = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            s.suppressNotUsedWarning();
            NDArray y = op.apply(w).sum();
            churnFreedDirectMemory(4);
            gc.backward(y);
        }
    }

    @Test
    void shouldKeepTheFactorOfAProductForTheBackward() throws InterruptedException {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.ones(new Shape(N));
            w.setRequiresGradient(true);
            backwardAfterChurn(w, x -> Scalars.mul(x, 3f));
            assertGradient(w, 3f);
        }
    }

    @Test
    void shouldKeepTheDivisorOfAQuotientForTheBackward() throws InterruptedException {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.ones(new Shape(N));
            w.setRequiresGradient(true);
            backwardAfterChurn(w, x -> Scalars.div(x, 4f));
            assertGradient(w, 0.25f);
        }
    }

    @Test
    void shouldKeepTheBoundOfAMaximumForTheBackward() throws InterruptedException {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.ones(new Shape(N)); // 1 > 0.5 everywhere: the gradient passes through
            w.setRequiresGradient(true);
            backwardAfterChurn(w, x -> Scalars.maximum(x, 0.5f));
            assertGradient(w, 1f);
        }
    }
}
