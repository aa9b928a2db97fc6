package dev.streamrec.model.bm3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamrec.model.artifact.ArtifactException;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.ScoredItem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

class Bm3TrainingTest {

    private static final float SCORE_TOL = 1e-4f;

    private record Trained(UserItemSplit split, Bm3Trainer.Result result, Bm3ServingState state, float[][] modelUsers) {}

    private static Trained train(String variant, int epochs) {
        Engine.getInstance().setRandomSeed(7);
        UserItemSplit split = UserItemSplit.of(Bm3Fixtures.clustered(1), UserItemSplit.Mode.RANDOM, 7);
        Map<String, float[][]> features = new LinkedHashMap<>();
        Map<String, float[]> raw = Bm3Fixtures.clusterFeatures(2);
        features.put("syn", new dev.streamrec.model.data.ModalityFeatures("syn", 8, raw).alignedTo(split.items()));
        Bm3Config c = Bm3Fixtures.config(variant, epochs);
        InteractionGraph g = new InteractionGraph(split.users().size(), split.items().size() + 1, split.train());
        try (NDManager m = NDManager.newBaseManager(); Bm3Model model = new Bm3Model(c, g, features, m)) {
            Bm3Trainer.Result r = new Bm3Trainer(c, false).train(model, split, m);
            float[][] users = Bm3ServingState.toMatrix(model.scoringVectors().get(0));
            return new Trained(split, r, Bm3ServingState.fromModel(model, split.items(), split.users(), split.train()), users);
        }
    }

    @Test
    void shouldLowerTheLossWhenTraining() {
        for (String variant : List.of("bm3", "lightgcn", "mf-bpr")) {
            double[] losses = train(variant, 6).result().epochLosses();
            assertTrue(losses[losses.length - 1] < losses[0], variant + " loss did not fall: " + java.util.Arrays.toString(losses));
        }
    }

    @Test
    void shouldReproduceTrainedUserVectorsAndScoresAfterArtifactRoundTrip(@TempDir Path dir) throws Exception {
        Trained t = train("bm3", 3);
        ObjectNode info = JsonNodeFactory.instance.objectNode().put("split", "random");
        ModelArtifact artifact = Bm3ArtifactIO.write(dir.resolve("a"), t.state(), "v1", info);
        Bm3ServingState loaded = Bm3ArtifactIO.read(ModelArtifact.load(dir.resolve("a")));
        try (Bm3Recommender before = new Bm3Recommender(t.state(), "v1", Device.cpu());
                Bm3Recommender after = (Bm3Recommender) new Bm3Family().loadRecommender(artifact, "cpu")) {
            for (int u = 0; u < t.split().users().size(); u++) {
                String user = t.split().users().get(u);
                assertArrayEquals(t.modelUsers()[u], after.userVector(user, List.of()), SCORE_TOL);
            }
            List<RecommendRequest> batch = List.of(
                    new RecommendRequest("u0", List.of("i1"), 5, true),
                    new RecommendRequest("u25", List.of(), 5, false),
                    new RecommendRequest("new-user", List.of("i16", "i17"), 5, true));
            List<List<ScoredItem>> a = before.recommend(batch);
            List<List<ScoredItem>> b = after.recommend(batch);
            assertEquals(a, b);
            assertEquals(loaded.items().ids(), t.state().items().ids());
        }
    }

    @Test
    void shouldGiveTheSameAnswersInConcurrentSlicesAsWhole() {
        Trained t = train("bm3", 3);
        java.util.Random rnd = new java.util.Random(3);
        List<RecommendRequest> batch = new java.util.ArrayList<>();
        for (int r = 0; r < 41; r++) {
            List<String> history = new java.util.ArrayList<>();
            for (int j = 0, n = rnd.nextInt(6); j < n; j++) {
                history.add("i" + rnd.nextInt(Bm3Fixtures.ITEMS));
            }
            // known users, users new to the model (folded in from their history), with and without exclusion
            String user = r % 3 == 0 ? "new-" + r : "u" + rnd.nextInt(Bm3Fixtures.USERS);
            batch.add(new RecommendRequest(user, history, 5, r % 2 == 0));
        }
        try (Bm3Recommender whole = new Bm3Recommender(t.state(), "v1", Device.cpu());
                Bm3Recommender sliced = new Bm3Recommender(t.state(), "v1", Device.cpu());
                dev.streamrec.model.serving.SlicedBatches slices = new dev.streamrec.model.serving.SlicedBatches(3, "bm3-slice")) {
            assertTrue(sliced.recommendsConcurrently());
            for (Bm3Recommender rec : List.of(whole, sliced)) {
                rec.observe("u1", List.of(), "i20", 0L);
                rec.observe("new-x", List.of("i3"), "i4", 0L);
            }
            List<List<ScoredItem>> expected = whole.recommend(batch);
            for (int round = 0; round < 5; round++) {
                // the first round builds the shared item matrix from three threads at once
                List<List<ScoredItem>> got = slices.map(batch, sliced::recommend);
                assertEquals(expected.size(), got.size());
                for (int r = 0; r < expected.size(); r++) {
                    assertEquals(expected.get(r).stream().map(ScoredItem::itemId).toList(),
                            got.get(r).stream().map(ScoredItem::itemId).toList(), "request " + r);
                    for (int k = 0; k < expected.get(r).size(); k++) {
                        assertEquals(expected.get(r).get(k).score(), got.get(r).get(k).score(), 1e-4f);
                    }
                }
            }
        }
    }

    @Test
    void shouldMoveUserScoresTowardTheNewItemsNeighbourhood() {
        Trained t = train("lightgcn", 30);
        try (Bm3Recommender rec = new Bm3Recommender(t.state(), "v1", Device.cpu())) {
            // u0 lives in cluster A (items 0..14); it now takes cluster-B items.
            Map<String, Float> before = scores(rec, "u0");
            for (String item : List.of("i15", "i16", "i17", "i18")) {
                rec.observe("u0", List.of(), item, 0L);
            }
            Map<String, Float> after = scores(rec, "u0");
            double gainB = 0;
            double gainA = 0;
            for (int i = 0; i < Bm3Fixtures.ITEMS; i++) {
                double delta = after.get("i" + i) - before.get("i" + i);
                if (i < Bm3Fixtures.ITEMS / 2) {
                    gainA += delta;
                } else if (i > 18) {
                    gainB += delta;
                }
            }
            assertTrue(gainB / 11 > gainA / 15, "cluster-B gain " + gainB / 11 + " vs cluster-A " + gainA / 15);
        }
    }

    private static Map<String, Float> scores(Bm3Recommender rec, String user) {
        Map<String, Float> out = new LinkedHashMap<>();
        for (ScoredItem s : rec.recommend(List.of(new RecommendRequest(user, List.of(), Bm3Fixtures.ITEMS, false))).get(0)) {
            out.put(s.itemId(), s.score());
        }
        return out;
    }

    @Test
    void shouldScoreANewItemThroughItsModalityProjection() {
        Trained t = train("bm3", 3);
        try (Bm3Recommender rec = new Bm3Recommender(t.state(), "v1", Device.cpu())) {
            rec.upsertItem("brand-new", "a title", Map.of("syn", Bm3Fixtures.clusterFeatures(2).get("i3")));
            List<ScoredItem> all = rec.recommend(List.of(new RecommendRequest("u0", List.of(), Bm3Fixtures.ITEMS + 1, false))).get(0);
            assertEquals(Bm3Fixtures.ITEMS + 1, all.size());
            assertTrue(all.stream().anyMatch(s -> s.itemId().equals("brand-new")));
        }
    }

    @Test
    void shouldRefuseCorruptedArtifactsAndUnknownHyperParameters(@TempDir Path dir) throws Exception {
        Trained t = train("mf-bpr", 1);
        Bm3ArtifactIO.write(dir.resolve("a"), t.state(), "v1", JsonNodeFactory.instance.objectNode());
        Path weights = dir.resolve("a").resolve(Bm3ArtifactIO.WEIGHTS);
        byte[] bytes = Files.readAllBytes(weights);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(weights, bytes);
        assertThrows(ArtifactException.class, () -> ModelArtifact.load(dir.resolve("a")));
        ObjectNode hp = Bm3Config.defaults("bm3").toJson().put("temperature", 0.1);
        assertThrows(IllegalArgumentException.class, () -> Bm3Config.fromJson(hp));
        ObjectNode missing = Bm3Config.defaults("bm3").toJson();
        missing.remove("dropout");
        assertThrows(IllegalArgumentException.class, () -> Bm3Config.fromJson(missing));
        assertThrows(IllegalArgumentException.class, () -> Bm3Config.defaults("bm4"));
    }
}
