package dev.streamrec.model.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A thread's reusable native buffer for the large inputs an inference step builds in Java on every
 * call (a batch's cached keys and values). {@code NDManager.create(float[])} allocates and zeroes a
 * new direct buffer per call and leaves its memory to a later garbage collection; at L = 200 and
 * batch 64 that is 6.5 MB per cached layer and step, and it cost more than the step's arithmetic.
 * A tensor made here ({@link Region#array}) reads this buffer's memory in place on the PyTorch engine's
 * CPU (on a GPU it is copied to the device), so the buffer is written once and never allocated again.
 *
 * <p>Use: {@link #begin} with the floats the step needs, then {@link #next} for each input, fill its
 * floats, and {@link Region#array}. The next {@link #begin} on the same thread overwrites the buffer: a tensor
 * made from it must not outlive the step that made it (a step closes its NDArrays before it
 * returns). Concurrent steps run on different threads and so never share a buffer. The buffer
 * stays as large as the largest step its thread ran.
 */
final class NativeStaging {

    private static final ThreadLocal<NativeStaging> OF_THREAD = ThreadLocal.withInitial(NativeStaging::new);

    private ByteBuffer buffer = ByteBuffer.allocateDirect(0);
    private int used;

    private NativeStaging() {}

    /** The calling thread's staging, emptied, with room for {@code floats} floats. */
    static NativeStaging begin(long floats) {
        long bytes = floats * Float.BYTES;
        if (floats < 0 || bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("cannot stage " + floats + " floats in one buffer");
        }
        NativeStaging staging = OF_THREAD.get();
        if (staging.buffer.capacity() < bytes) {
            staging.buffer = ByteBuffer.allocateDirect((int) bytes);
        }
        staging.used = 0;
        return staging;
    }

    /** The next {@code floats} floats of the buffer, not cleared: every element must be written. */
    Region next(int floats) {
        int bytes = floats * Float.BYTES;
        if (floats < 0 || used + bytes > buffer.capacity()) {
            throw new IllegalStateException("staging of " + buffer.capacity() + " bytes has no room for " + floats
                    + " more floats (begin() with the step's total)");
        }
        ByteBuffer region = buffer.slice(used, bytes).order(ByteOrder.nativeOrder());
        used += bytes;
        return new Region(region, region.asFloatBuffer());
    }

    /** Part of the buffer: {@code floats} to write into, then {@link #array} to read it as a tensor. */
    record Region(ByteBuffer bytes, FloatBuffer floats) {

        /** The region as an NDArray of {@code shape} (as many elements as the region's floats) that reads it in place. */
        NDArray array(NDManager manager, Shape shape) {
            if (shape.size() != floats.capacity()) {
                throw new IllegalArgumentException("shape " + shape + " does not match the " + floats.capacity() + " floats staged");
            }
            return manager.create(bytes, shape, DataType.FLOAT32);
        }
    }
}
