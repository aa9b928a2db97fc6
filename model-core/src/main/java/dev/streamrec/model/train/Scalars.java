package dev.streamrec.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic between a tensor that takes part in a backward pass and a Java number, safe against
 * the garbage collector.
 *
 * <p>DJL's {@code NDArray.mul(Number)} (and {@code div}, {@code pow}, {@code maximum},
 * {@code minimum}, ...) turns the number into a scalar tensor over a Java direct buffer, runs the
 * tensor op and closes that scalar at once. Autograd keeps the scalar for the backward of
 * {@code mul}, {@code div}, {@code pow}, {@code maximum} and {@code minimum}, so the backward reads a
 * buffer that a garbage collection in between may have freed and handed out again: garbage or NaN
 * gradients, the sporadic "steps skipped (non-finite loss or gradient)" of issue 26 (the
 * {@code stress} command makes it happen in almost every run). The methods here build the scalar in
 * libtorch's own memory ({@code full}), which the graph keeps alive for as long as it needs it. Ops
 * that are not recorded (no input requires a gradient, or outside a gradient collector) may keep
 * using DJL's {@code Number} overloads.
 */
public final class Scalars {

    private Scalars() {}

    /** x · s. */
    public static NDArray mul(NDArray x, float s) {
        return x.mul(of(x, s));
    }

    /** x / s. */
    public static NDArray div(NDArray x, float s) {
        return x.div(of(x, s));
    }

    /** max(x, s) elementwise. */
    public static NDArray maximum(NDArray x, float s) {
        return x.maximum(of(x, s));
    }

    /** A scalar s with x's type, on x's device, in libtorch-owned memory. */
    public static NDArray of(NDArray x, float s) {
        return x.getManager().full(new Shape(), s, x.getDataType());
    }
}
