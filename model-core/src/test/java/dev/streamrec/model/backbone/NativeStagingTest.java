package dev.streamrec.model.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class NativeStagingTest {

    @Test
    void regionsAreDistinctTensorsOfWhatWasWritten() {
        try (NDManager m = NDManager.newBaseManager()) {
            NativeStaging staging = NativeStaging.begin(10);
            NativeStaging.Region a = staging.next(4);
            NativeStaging.Region b = staging.next(6);
            a.floats().put(0, new float[] {1, 2, 3, 4});
            b.floats().put(0, new float[] {5, 6, 7, 8, 9, 10});
            assertArrayEquals(new float[] {1, 2, 3, 4}, a.array(m, new Shape(2, 2)).toFloatArray());
            assertArrayEquals(new float[] {5, 6, 7, 8, 9, 10}, b.array(m, new Shape(3, 2)).toFloatArray());
        }
    }

    @Test
    void growsWhenAStepNeedsMoreAndRefusesWhatDoesNotFit() {
        try (NDManager m = NDManager.newBaseManager()) {
            NativeStaging.begin(2);
            NativeStaging big = NativeStaging.begin(1000);
            NativeStaging.Region r = big.next(1000);
            float[] values = new float[1000];
            for (int i = 0; i < values.length; i++) {
                values[i] = i;
            }
            r.floats().put(0, values);
            assertArrayEquals(values, r.array(m, new Shape(1000)).toFloatArray());
            assertThrows(IllegalStateException.class, () -> big.next(1));
            assertThrows(IllegalArgumentException.class, () -> NativeStaging.begin(4).next(4).array(m, new Shape(5)));
        }
    }

    /** The stepper zeroes the padding of shorter caches itself: NaN left in the thread's buffer by an earlier step changes nothing. */
    @Test
    void aStepIsUnaffectedByWhatTheThreadStagedBefore() {
        try (NDManager m = NDManager.newBaseManager()) {
            SequenceModelBlock block = SasRecStepperTest.sasrec(m, 2, 4);
            SasRecStepper stepper = new SasRecStepper(block, m);
            List<SasRecStepper.Cache> caches = stepper.scores(List.of(
                    new SasRecStepper.Row(null, new int[] {3}), new SasRecStepper.Row(null, new int[] {4, 5, 6}))).states();
            List<SasRecStepper.Row> next = List.of(new SasRecStepper.Row(caches.get(0), new int[] {7}),
                    new SasRecStepper.Row(caches.get(1), new int[] {8}));
            float[][] clean = stepper.scores(next).scores();
            NativeStaging poisoned = NativeStaging.begin(1 << 16);
            float[] nan = new float[1 << 16];
            Arrays.fill(nan, Float.NaN);
            poisoned.next(1 << 16).floats().put(0, nan);
            float[][] after = stepper.scores(next).scores();
            for (int r = 0; r < clean.length; r++) {
                assertArrayEquals(clean[r], after[r]);
                assertArrayEquals(SasRecStepperTest.reference(block, m, r == 0 ? List.of(3, 7) : List.of(4, 5, 6, 8)), after[r], 1e-4f);
            }
        }
    }
}
