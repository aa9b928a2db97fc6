package dev.streamrec.model.bm3;

import org.junit.jupiter.api.Test;

import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Short training runs on tiny synthetic data: the loss falls, runs are deterministic, splits are 8:1:1. */
class Bm3TrainerTest {

    @Test
    void lossFallsForEveryVariant() {
        Bm3Split split = Bm3Split.of(Bm3Fixtures.clustered(1), false, 5);
        for (String variant : Bm3Config.VARIANTS) {
            Map<String, float[][]> f = variant.equals("bm3") ? Bm3Fixtures.features(split, 3) : Map.of();
            Bm3Trainer.Result r = new Bm3Trainer(Bm3Fixtures.config(variant, 12), split, f, quiet()).train();
            double first = r.losses().get(0);
            double last = r.losses().get(r.losses().size() - 1);
            assertTrue(last < first, variant + ": loss " + first + " -> " + last);
            assertTrue(r.test().get("recall@20") > 0, variant + " finds test items");
        }
    }

    @Test
    void trainingIsDeterministicForASeed() {
        Bm3Split split = Bm3Split.of(Bm3Fixtures.clustered(1), false, 5);
        Map<String, float[][]> f = Bm3Fixtures.features(split, 3);
        Bm3Trainer.Result a = new Bm3Trainer(Bm3Fixtures.config("bm3", 3), split, f, quiet()).train();
        Bm3Trainer.Result b = new Bm3Trainer(Bm3Fixtures.config("bm3", 3), split, f, quiet()).train();
        assertEquals(a.losses(), b.losses());
    }

    @Test
    void splitIsPerUserEightOneOneAndDisjoint() {
        Bm3Split split = Bm3Split.of(Bm3Fixtures.clustered(1), false, 5);
        for (int u = 0; u < split.userCount(); u++) {
            // 12 items: round(1.2) = 1 test, 1 valid, 10 train
            assertEquals(10, split.train()[u].length);
            assertEquals(1, split.valid()[u].length);
            assertEquals(1, split.test()[u].length);
            java.util.Set<Integer> all = new java.util.HashSet<>();
            for (int[] part : new int[][] {split.train()[u], split.valid()[u], split.test()[u]}) {
                for (int i : part) {
                    assertTrue(all.add(i));
                }
            }
        }
        Bm3Split chrono = Bm3Split.of(Bm3Fixtures.clustered(1), true, 5);
        // the last interaction in time is the test item
        String last = chrono.items().idAt(chrono.test()[0][0] + 1);
        assertEquals(Bm3Fixtures.clustered(1).get(11).itemId(), last);
    }

    @Test
    void metricsCountHitsOverTargets() {
        Bm3Metrics m = new Bm3Metrics();
        float[] scores = new float[30];
        for (int i = 0; i < 30; i++) {
            scores[i] = 30 - i; // item 0 best
        }
        m.add(scores, new int[] {0}, new int[] {1, 25}); // item 1 ranks first after masking 0; 25 is rank 25
        assertEquals(0.5, m.asMap().get("recall@10"), 1e-9);
        assertEquals(1.0 / (1 + 1 / (Math.log(3) / Math.log(2))), m.asMap().get("ndcg@20"), 1e-9);
    }

    static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }
}
