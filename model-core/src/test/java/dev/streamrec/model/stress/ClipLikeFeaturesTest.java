package dev.streamrec.model.stress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streamrec.model.data.ModalityFeatures;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The synthetic CLIP-like vectors have the shape the stress runs rely on. */
public class ClipLikeFeaturesTest {

    private static List<String> ids(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add("item" + i);
        }
        return ids;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }

    @Test
    void shouldBeUnitNormInANarrowConeWithGapsAndDuplicates() {
        ModalityFeatures f = ClipLikeFeatures.defaults(512).generate("clip1", ids(2000), 7L);
        assertEquals(512, f.dim());
        List<float[]> v = new ArrayList<>(f.vectors().values());
        int size = v.size();
        assertTrue(size > 1700 && size < 1900, "about 90% coverage, got " + size);
        for (float[] x : v) {
            assertEquals(1.0, dot(x, x), 1e-4);
        }
        double meanCos = 0;
        int pairs = 0;
        int duplicates = 0;
        for (int i = 1; i < size; i++) {
            double c = dot(v.get(i - 1), v.get(i));
            if (c > 0.9999) {
                duplicates++;
            } else {
                meanCos += c;
                pairs++;
            }
        }
        meanCos /= pairs;
        // a shared direction: far from the ~0 cosine of random 512-d vectors, far from identical
        assertTrue(meanCos > 0.4 && meanCos < 0.8, "mean cosine of neighbours " + meanCos);
        assertTrue(duplicates > 40 && duplicates < 150, "about 5% duplicates, got " + duplicates);
    }

    @Test
    void shouldBeDeterministicAndReadBackAsAFeatureFile(@TempDir Path dir) throws Exception {
        ClipLikeFeatures c = ClipLikeFeatures.defaults(16);
        ModalityFeatures a = c.generate("clip1", ids(50), 3L);
        ModalityFeatures b = c.generate("clip1", ids(50), 3L);
        assertEquals(a.vectors().keySet(), b.vectors().keySet());
        Path file = dir.resolve("clip1.tsv.gz");
        a.write(file);
        ModalityFeatures read = ModalityFeatures.read(file);
        assertEquals("clip1", read.name());
        for (String id : a.vectors().keySet()) {
            assertArrayEquals(a.get(id), b.get(id));
            assertArrayEquals(a.get(id), read.get(id), 1e-6f);
        }
    }
}
