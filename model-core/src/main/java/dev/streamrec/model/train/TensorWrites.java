package dev.streamrec.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;

/**
 * The one safe way to write Java values into an existing tensor, or to clear a gradient, in place.
 *
 * <p>DJL's {@code NDArray.set(float[])} (and {@code copyTo}, which calls it) does not copy on the
 * PyTorch engine's CPU: it points the tensor's storage at a direct {@code ByteBuffer} that only the
 * Java wrapper it was called on keeps alive. Called on a temporary wrapper (a gradient from
 * {@code getGradient()}, a detached view), the buffer is freed at the next garbage collection while
 * libtorch still owns the tensor; the next backward pass then accumulates into freed memory, which
 * reads back as garbage or NaN and, once the allocator has handed the page back, kills the JVM with
 * SIGSEGV inside {@code torch::autograd::Engine::evaluate_function}. That was MISSRec's sporadic
 * crash after a skipped step. These methods copy into the tensor's own memory instead
 * ({@code index_put_} over the whole tensor), so no Java buffer outlives its wrapper.
 */
public final class TensorWrites {

    private static final NDIndex WHOLE = new NDIndex("...");

    private TensorWrites() {}

    /**
     * Copies {@code values} (row-major, the tensor's size) into {@code target}'s own storage; works
     * on parameters that record gradients, on any thread, and whatever the target held (NaN included).
     */
    public static void overwrite(NDArray target, float[] values) {
        if (values.length != target.size()) {
            throw new IllegalArgumentException("tensor " + target.getName() + " has " + target.size()
                    + " values, got " + values.length);
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray source = target.getManager().create(values, target.getShape());
            NDArray data = target.stopGradient(); // shares the storage; an in-place write on it is not recorded
            data.set(WHOLE, source);
        }
    }

    /** Sets the gradient of {@code parameter} to zeros in its own storage (NaN and infinity included). */
    public static void zeroGradient(NDArray parameter) {
        try (NDArray gradient = parameter.getGradient()) {
            gradient.set(WHOLE, 0f);
        }
    }
}
