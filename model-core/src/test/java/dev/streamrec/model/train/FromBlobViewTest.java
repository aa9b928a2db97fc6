package dev.streamrec.model.train;

import static dev.streamrec.model.train.TensorWritesTest.churnFreedDirectMemory;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

/**
 * On the PyTorch engine's CPU a tensor made from Java data points at a direct buffer that only its
 * creating wrapper keeps alive; views of it (and DJL's same-device/same-type "copies") share that
 * buffer without keeping it. A view kept after the creating wrapper is closed therefore reads memory
 * the garbage collector has freed. {@link OwnedTensors#copy} is what to keep instead.
 */
public class FromBlobViewTest {

    private static final int N = 4;
    private static final int D = 256; // 4 KiB: above glibc's per-thread cache, below its mmap threshold

    private static float[] values() {
        float[] v = new float[N * D];
        for (int i = 0; i < v.length; i++) {
            v[i] = i + 0.25f;
        }
        return v;
    }

    private static Map<String, UnaryOperator<NDArray>> aliases() {
        Map<String, UnaryOperator<NDArray>> ops = new LinkedHashMap<>();
        ops.put("reshape", x -> x.reshape(N, D));
        ops.put("get(NDIndex)", x -> x.get(new NDIndex("1:3")));
        ops.put("transpose", x -> x.transpose());
        ops.put("expandDims", x -> x.expandDims(0));
        ops.put("squeeze", x -> x.reshape(1, N, D).squeeze(0));
        ops.put("flatten", NDArray::flatten);
        ops.put("broadcast", x -> x.expandDims(0).broadcast(new Shape(2, N, D)));
        ops.put("stopGradient", NDArray::stopGradient);
        ops.put("toType(same type, copy=true)", x -> x.toType(DataType.FLOAT32, true));
        ops.put("toDevice(same device, copy=true)", x -> x.toDevice(x.getDevice(), true));
        return ops;
    }

    /** Whether {@code kept} sees a write through {@code base} (the two share storage). */
    private static boolean sharesStorage(NDArray base, NDArray kept) {
        base.set(new NDIndex("..."), -5f);
        return kept.max().getFloat() == -5f;
    }

    @Test
    void viewsAndSameDeviceCopiesShareTheJavaBuffer() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (Map.Entry<String, UnaryOperator<NDArray>> op : aliases().entrySet()) {
                NDArray base = m.create(values(), new Shape(N, D));
                NDArray view = op.getValue().apply(base);
                assertEquals(true, sharesStorage(base, view), op.getKey() + " should alias its source");
            }
            NDArray base = m.create(values(), new Shape(N, D));
            assertSame(base, base.toType(DataType.FLOAT32, false)); // the same wrapper: harmless
            assertSame(base, base.toDevice(base.getDevice(), false));
            assertEquals(false, sharesStorage(base, m.create(values(), new Shape(N, D)).duplicate()));
        }
    }

    @Test
    void theJavaBufferIsCollectedWhileAViewStillUsesIt() throws Exception {
        Field dataRef = Class.forName("ai.djl.pytorch.engine.PtNDArray").getDeclaredField("dataRef");
        dataRef.setAccessible(true);
        try (NDManager root = NDManager.newBaseManager()) {
            NDArray view;
            WeakReference<ByteBuffer> buffer;
            try (NDManager sub = root.newSubManager()) {
                NDArray base = sub.create(values(), new Shape(N * D));
                buffer = new WeakReference<>((ByteBuffer) dataRef.get(base));
                assertNotNull(buffer.get());
                view = base.reshape(N, D);
                assertNull(dataRef.get(view)); // the view's wrapper does not hold the buffer
                view.attach(root);
            }
            for (int i = 0; i < 50 && buffer.get() != null; i++) {
                System.gc();
                Thread.sleep(20);
            }
            assertNull(buffer.get(), "the buffer under a live view was collected (its memory freed)");
            assertEquals(new Shape(N, D), view.getShape()); // the view itself is open: nothing stops a read
        }
    }

    @Test
    void anOwnedCopyOfAViewOutlivesTheWrapperItCameFrom() throws InterruptedException {
        try (NDManager root = NDManager.newBaseManager()) {
            NDArray kept;
            try (NDManager sub = root.newSubManager()) {
                NDArray base = sub.create(values(), new Shape(N * D));
                kept = OwnedTensors.copy(base.reshape(N, D), root.getDevice());
                kept.attach(root);
                assertEquals(false, sharesStorage(base, kept)); // a write through the source does not reach the copy
            }
            churnFreedDirectMemory(N * D * 4);
            assertEquals(new Shape(N, D), kept.getShape());
            assertArrayEquals(values(), kept.toFloatArray(), 0f);
        }
    }
}
