package dev.streamrec.model.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextEmbedderTest {

    private static final double NORM_TOLERANCE = 1e-4;

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Test
    void shouldEmbedTextsAsUnitVectorsWhereSimilarTextsAreCloser() {
        float[][] v = new TextEmbedder().embed(List.of(
                "Toy Story: an animated comedy about toys",
                "Toy Story 2: animated toys in a comedy adventure",
                "A brutal war documentary about the Eastern front"));
        assertEquals(3, v.length);
        for (float[] x : v) {
            assertEquals(TextEmbedder.DIM, x.length);
            assertEquals(1.0, Math.sqrt(dot(x, x)), NORM_TOLERANCE);
        }
        assertTrue(dot(v[0], v[1]) > dot(v[0], v[2]), "similar titles must be closer");
        assertTrue(dot(v[0], v[1]) > dot(v[1], v[2]), "similar titles must be closer");
    }

    @Test
    void shouldJoinGenresAndTagsWithoutCaseDuplicates() {
        String text = ItemTexts.tagText(List.of("Comedy", "Drama"),
                new LinkedHashSet<>(List.of("comedy", "pixar", "PIXAR")));
        assertEquals("Comedy, Drama, pixar", text);
        assertEquals(ItemTexts.NO_TAGS, ItemTexts.tagText(List.of(), new LinkedHashSet<>()));
    }
}
