package dev.streamrec.model.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SequenceEncodersTest {

    private static final float TOLERANCE = 1e-5f;
    private static final int DIM = 8;
    private static final int LEN = 5;

    private static float[] encode(SequenceModelBlock block, NDManager m, long[] ids) {
        ParameterStore ps = new ParameterStore(m, false);
        NDArray idArray = m.create(ids, new Shape(2, LEN));
        return block.forward(ps, new ai.djl.ndarray.NDList(idArray), false).head().toFloatArray();
    }

    @ParameterizedTest
    @EnumSource(EncoderConfig.Kind.class)
    void shouldBeCausalShapedAndZeroAtPadding(EncoderConfig.Kind kind) {
        Engine.getInstance().setRandomSeed(7);
        try (NDManager m = NDManager.newBaseManager()) {
            SequenceModelBlock block = new SequenceModelBlock(new EncoderConfig(kind, 20, DIM, LEN, 2, 2, 0.3f));
            block.initialize(m, DataType.FLOAT32, new Shape(2, LEN));
            long[] ids = {0, 0, 3, 4, 5, 1, 2, 3, 4, 5};
            long[] changedLast = {0, 0, 3, 4, 9, 1, 2, 3, 4, 9};
            float[] a = encode(block, m, ids);
            float[] b = encode(block, m, changedLast);
            assertEquals(2 * LEN * DIM, a.length);
            // padding positions (row 0, positions 0-1) are zero
            assertArrayEquals(new float[2 * DIM], Arrays.copyOf(a, 2 * DIM), TOLERANCE);
            // changing the newest item leaves every earlier position unchanged, and changes the last one
            for (int row = 0; row < 2; row++) {
                int from = row * LEN * DIM;
                int last = from + (LEN - 1) * DIM;
                assertArrayEquals(Arrays.copyOfRange(a, from, last), Arrays.copyOfRange(b, from, last), TOLERANCE);
                assertFalse(Arrays.equals(Arrays.copyOfRange(a, last, last + DIM), Arrays.copyOfRange(b, last, last + DIM)));
            }
        }
    }

    /**
     * SASRec (learned and rotary positions) gives the same states at the real positions whether a
     * batch is left-padded to L or only to its longest sequence, which is what lets its training
     * and scoring batches be trimmed; GRU4Rec reads its padding (the zero inputs are its initial
     * state), so it must keep L.
     */
    @ParameterizedTest
    @EnumSource(EncoderConfig.Positions.class)
    void sasRecStatesDoNotDependOnHowFarABatchIsPadded(EncoderConfig.Positions positions) {
        Engine.getInstance().setRandomSeed(11);
        try (NDManager m = NDManager.newBaseManager()) {
            SequenceModelBlock block = new SequenceModelBlock(
                    new EncoderConfig(EncoderConfig.Kind.SASREC, 20, DIM, LEN, 2, 2, 0.3f, positions));
            block.initialize(m, DataType.FLOAT32, new Shape(2, LEN));
            assertFalse(block.readsPadding());
            float[] padded = encode(block, m, new long[] {0, 0, 3, 4, 5, 0, 0, 0, 2, 7}); // (2, L = 5)
            ParameterStore ps = new ParameterStore(m, false);
            float[] trimmed = block.forward(ps, new ai.djl.ndarray.NDList(m.create(new long[] {3, 4, 5, 0, 2, 7},
                    new Shape(2, 3))), false).head().toFloatArray(); // (2, 3)
            for (int row = 0; row < 2; row++) {
                assertArrayEquals(Arrays.copyOfRange(padded, (row * LEN + 2) * DIM, (row + 1) * LEN * DIM),
                        Arrays.copyOfRange(trimmed, row * 3 * DIM, (row + 1) * 3 * DIM), TOLERANCE);
            }
        }
    }

    @Test
    void gru4RecReadsItsPadding() {
        assertTrue(new SequenceModelBlock(new EncoderConfig(EncoderConfig.Kind.GRU4REC, 20, DIM, LEN, 1, 1, 0f)).readsPadding());
    }
}
