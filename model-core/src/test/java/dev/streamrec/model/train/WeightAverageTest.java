package dev.streamrec.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WeightAverageTest {

    /** Starting from the initial weights, each update moves every average by (1 - decay) towards the weight. */
    @Test
    void averagesTheWeightsExponentially() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {0f, 4f});
            NDArray b = m.create(new float[] {2f});
            List<AdamW.Trainable> params = AdamW.Trainable.all(List.of(a, b));
            try (WeightAverage average = new WeightAverage(params, 0.75f)) {
                TensorWrites.overwrite(a, new float[] {8f, 0f});
                TensorWrites.overwrite(b, new float[] {6f});
                average.update(); // 0.75·initial + 0.25·weight
                assertArrayEquals(new float[] {2f, 3f}, average.values()[0], 1e-6f);
                assertArrayEquals(new float[] {3f}, average.values()[1], 1e-6f);
                average.update(); // the same weights again
                assertArrayEquals(new float[] {3.5f, 2.25f}, average.values()[0], 1e-6f);
                assertArrayEquals(new float[] {3.75f}, average.values()[1], 1e-6f);
                assertArrayEquals(new float[] {8f, 0f}, a.toFloatArray(), 0f); // the weights are left alone
            }
            assertThrows(IllegalArgumentException.class, () -> new WeightAverage(params, 1f));
        }
    }
}
