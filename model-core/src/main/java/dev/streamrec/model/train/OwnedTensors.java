package dev.streamrec.model.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;

/**
 * The one safe way to keep a tensor, or a view of one, beyond the wrapper it came from.
 *
 * <p>On the PyTorch engine's CPU, a tensor made from Java data ({@code NDManager.create(float[])},
 * {@code create(Buffer)}, {@code NDList.decode}) does not copy it: its storage is a Java direct
 * {@code ByteBuffer} that only the wrapper returned by {@code create} keeps alive. Every view of it
 * ({@code reshape}, {@code get(NDIndex)}, {@code transpose}, {@code expandDims}, {@code squeeze},
 * {@code flatten}, {@code broadcast}, {@code stopGradient}) shares that storage without keeping the
 * buffer, and so do {@code toDevice(sameDevice, true)} and {@code toType(sameType, true)}: DJL 0.36
 * passes {@code copy} to libtorch's {@code to()} as false, which returns the tensor itself when
 * nothing changes. Once the creating wrapper is closed (its scope or manager closes) the next
 * garbage collection frees the buffer, and whatever kept the view reads and writes freed memory.
 * {@link #copy} allocates the result in libtorch's own memory ({@code clone()}), so it stays valid
 * for as long as its own wrapper lives, whatever happens to the source.
 */
public final class OwnedTensors {

    private OwnedTensors() {}

    /** A copy of {@code x} on {@code device} whose storage libtorch allocated and owns. */
    public static NDArray copy(NDArray x, Device device) {
        return x.getDevice().equals(device) ? x.duplicate() : x.toDevice(device, true);
    }
}
