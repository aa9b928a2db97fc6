package dev.streamrec.model.kdsr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CorrelationCodebookTest {

    private static final float TOLERANCE = 1e-5f;

    @Test
    void shouldNormaliseEachChunk() {
        assertArrayEquals(new float[] {0.6f, 0.8f, 0, 0, 1, 0},
                CorrelationCodebook.chunkNormalised(new float[] {3, 4, 0, 0, 2, 0}, 3), TOLERANCE);
    }

    @Test
    void shouldFindSeparatedClusters() {
        Random r = new Random(3);
        float[][] points = new float[300][];
        for (int i = 0; i < points.length; i++) {
            float c = i % 3 * 10f;
            points[i] = new float[] {c + (float) r.nextGaussian() * 0.1f, -c + (float) r.nextGaussian() * 0.1f};
        }
        CorrelationCodebook book = new CorrelationCodebook(CorrelationCodebook.kMeans(points, 3, new Random(1)));
        int a = book.assign(new float[] {0, 0});
        int b = book.assign(new float[] {10, -10});
        int c = book.assign(new float[] {20, -20});
        assertNotEquals(a, b);
        assertNotEquals(b, c);
        assertNotEquals(a, c);
        assertEquals(10f, book.centroids()[b][0], 0.05f);
    }

    @Test
    void shouldPearsonCorrelate() {
        assertEquals(1.0, ModalityCorrelationProbe.pearson(new double[] {1, 2, 3}, new double[] {2, 4, 6}), 1e-12);
        assertEquals(-1.0, ModalityCorrelationProbe.pearson(new double[] {1, 2, 3}, new double[] {3, 2, 1}), 1e-12);
        assertEquals(0.0, ModalityCorrelationProbe.pearson(new double[] {1, 2, 3}, new double[] {1, 1, 1}), 1e-12);
    }
}
