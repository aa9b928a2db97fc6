package dev.streamrec.model.bm3;

import ai.djl.ndarray.NDManager;
import dev.streamrec.model.artifact.ArtifactException;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.Recommender;
import dev.streamrec.model.serving.ScoredItem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Serving: artifact round trip, refusal of corrupted artifacts, incremental user update, cold items. */
class Bm3RecommenderTest {

    private static final float TOL = 1e-4f;
    private static Bm3Split split;
    private static Bm3Trainer.Result result;

    @TempDir
    static Path dir;

    @BeforeAll
    static void train() {
        split = Bm3Split.of(Bm3Fixtures.clustered(1), false, 5);
        result = new Bm3Trainer(Bm3Fixtures.config("bm3", 12), split, Bm3Fixtures.features(split, 3),
                Bm3TrainerTest.quiet()).train();
    }

    private static ModelArtifact write(String name) throws Exception {
        return Bm3Family.writeArtifact(dir.resolve(name), "bm3", "t1", Bm3Fixtures.config("bm3", 12), split,
                result.weights(), "synthetic", List.of());
    }

    private static Map<String, Float> allScores(Recommender r, String user, List<String> history) {
        List<ScoredItem> top = r.recommend(List.of(new RecommendRequest(user, history, 1000, false))).get(0);
        Map<String, Float> out = new HashMap<>();
        top.forEach(s -> out.put(s.itemId(), s.score()));
        return out;
    }

    @Test
    void artifactRoundTripGivesIdenticalScores() throws Exception {
        ModelArtifact artifact = write("round");
        float[][] direct;
        try (NDManager m = NDManager.newBaseManager(); Bm3Scorer s = new Bm3Scorer(result.weights(), m)) {
            direct = s.score(new int[] {3});
        }
        try (Recommender r = new Bm3Family().loadRecommender(ModelArtifact.load(artifact.dir()), "cpu")) {
            Map<String, Float> served = allScores(r, split.users().get(3), List.of());
            assertEquals(split.itemCount(), served.size());
            for (int row = 0; row < split.itemCount(); row++) {
                assertEquals(direct[0][row], served.get(split.items().idAt(row + 1)), TOL);
            }
            List<ScoredItem> excl = r.recommend(List.of(new RecommendRequest(split.users().get(3), List.of("i0", "i1"), 5, true))).get(0);
            assertEquals(5, excl.size());
            assertTrue(excl.stream().noneMatch(s -> s.itemId().equals("i0") || s.itemId().equals("i1")));
        }
    }

    @Test
    void corruptedArtifactIsRefused() throws Exception {
        ModelArtifact artifact = write("corrupt");
        Path weights = artifact.dir().resolve(Bm3Family.WEIGHTS);
        byte[] bytes = Files.readAllBytes(weights);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(weights, bytes);
        assertThrows(ArtifactException.class, () -> ModelArtifact.load(artifact.dir()));
        var node = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        Bm3Fixtures.config("bm3", 1).writeTo(node);
        node.put("momentum", 0.9);
        assertThrows(IllegalArgumentException.class, () -> Bm3Config.from(node));
        node.remove("momentum");
        node.remove("dim");
        assertThrows(IllegalArgumentException.class, () -> Bm3Config.from(node));
    }

    @Test
    void observeMovesTheUserTowardTheNewNeighbourhood() throws Exception {
        try (Recommender r = new Bm3Family().loadRecommender(write("observe"), "cpu")) {
            String user = "u0"; // cluster A (items 0..14)
            List<String> clusterB = List.of("i15", "i16", "i17", "i18", "i19", "i20");
            double before = meanScore(allScores(r, user, List.of()), 15, 30) - meanScore(allScores(r, user, List.of()), 0, 15);
            for (int k = 0; k < clusterB.size(); k++) {
                r.observe(user, clusterB.subList(0, k), clusterB.get(k), k);
            }
            Map<String, Float> after = allScores(r, user, List.of());
            double gapAfter = meanScore(after, 15, 30) - meanScore(after, 0, 15);
            assertTrue(gapAfter > before, "cluster-B preference " + before + " -> " + gapAfter);
        }
    }

    @Test
    void unknownUserIsFoldedInAndNewItemBecomesScorable() throws Exception {
        try (Recommender r = new Bm3Family().loadRecommender(write("cold"), "cpu")) {
            Map<String, Float> s = allScores(r, "stranger", List.of("i15", "i16", "i17"));
            assertTrue(meanScore(s, 15, 30) > meanScore(s, 0, 15), "fold-in follows the history's cluster");
            assertFalse(s.containsKey("new-item"));
            r.upsertItem("new-item", "a new thing", Map.of("text", new float[] {0, 1, 0, 0}));
            Map<String, Float> s2 = allScores(r, "stranger", List.of("i15", "i16", "i17"));
            assertTrue(s2.containsKey("new-item"));
            assertTrue(Float.isFinite(s2.get("new-item")));
        }
    }

    private static double meanScore(Map<String, Float> scores, int from, int to) {
        double sum = 0;
        int n = 0;
        for (int i = from; i < to; i++) {
            Float v = scores.get("i" + i);
            if (v != null) {
                sum += v;
                n++;
            }
        }
        return sum / n;
    }
}
