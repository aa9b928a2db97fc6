package dev.streamrec.model.bm3;

import dev.streamrec.model.serving.GpuParity;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamrec.model.artifact.ArtifactException;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.serving.Answer;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.ScoredItem;
import dev.streamrec.model.serving.SlicedBatches;
import dev.streamrec.model.serving.StateBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

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
            assertTrue(losses[losses.length - 1] < losses[0], variant + " loss did not fall: " + Arrays.toString(losses));
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
        Random rnd = new Random(3);
        List<RecommendRequest> earlier = new ArrayList<>();
        List<RecommendRequest> batch = new ArrayList<>();
        for (int r = 0; r < 41; r++) {
            // known users, users new to the model (folded in from their history), with and without exclusion
            String user = r % 3 == 0 ? "new-" + r : "u" + rnd.nextInt(Bm3Fixtures.USERS);
            earlier.add(new RecommendRequest(user, randomItems(rnd), 5, true));
            batch.add(new RecommendRequest(user, randomItems(rnd), 5, r % 2 == 0));
        }
        try (Bm3Recommender whole = new Bm3Recommender(t.state(), "v1", Device.cpu());
                Bm3Recommender sliced = new Bm3Recommender(t.state(), "v1", Device.cpu());
                SlicedBatches slices = new SlicedBatches(3, "bm3-slice")) {
            assertTrue(sliced.recommendsConcurrently());
            // every user comes with the edges of an earlier answer, stored (and so in the degrees)
            // as the stream stores them: each user's last
            List<RecommendRequest> withState = new ArrayList<>();
            for (Bm3Recommender rec : List.of(whole, sliced)) {
                List<Answer> before = rec.answer(earlier);
                Map<String, byte[]> stored = new LinkedHashMap<>();
                for (int r = 0; r < earlier.size(); r++) {
                    stored.put(earlier.get(r).userId(), before.get(r).userState());
                }
                stored.values().forEach(state -> rec.userStateStored(null, state));
                withState.clear();
                for (int r = 0; r < batch.size(); r++) {
                    withState.add(batch.get(r).withUserState(before.get(r).userState()));
                }
            }
            Map<String, Integer> degrees = whole.observedDegrees();
            assertFalse(degrees.isEmpty());
            assertEquals(degrees, sliced.observedDegrees());
            List<List<ScoredItem>> expected = whole.recommend(batch);
            List<Answer> expectedAnswers = whole.answer(withState);
            for (int round = 0; round < 5; round++) {
                // the first round builds the shared item matrix from three threads at once
                assertSameRankings(expected, slices.map(batch, sliced::recommend));
                List<Answer> got = slices.map(withState, sliced::answer);
                assertSameRankings(expectedAnswers.stream().map(Answer::items).toList(),
                        got.stream().map(Answer::items).toList());
                for (int r = 0; r < batch.size(); r++) {
                    assertArrayEquals(expectedAnswers.get(r).userState(), got.get(r).userState(), "state " + r);
                }
            }
            // answering changes no degree: only storing a state does
            assertEquals(degrees, whole.observedDegrees());
            assertEquals(degrees, sliced.observedDegrees());
        }
    }

    /**
     * The served top-K is the best of the catalogue by ⟨P h_u, P h_i⟩ computed here in Java, without
     * the user's neighbours and history when asked, however the catalogue is cut into blocks.
     */
    @Test
    void shouldServeTheBestItemsNotExcludedWhateverTheBlocks() {
        Trained t = train("bm3", 3);
        Bm3ServingState state = t.state();
        float[][] itemScores = state.itemScores();
        Random rnd = new Random(5);
        List<RecommendRequest> batch = new ArrayList<>();
        for (int r = 0; r < 24; r++) {
            String user = r % 4 == 0 ? "new-" + r : "u" + rnd.nextInt(Bm3Fixtures.USERS);
            int k = r % 3 == 0 ? Bm3Fixtures.ITEMS : 5;
            batch.add(new RecommendRequest(user, randomItems(rnd), k, r % 2 == 0));
        }
        try (Bm3Recommender rec = new Bm3Recommender(state, "v1", Device.cpu())) {
            for (int rows : new int[] {1, 7, 0}) {
                rec.scoreInBlocksOf(rows);
                List<List<ScoredItem>> served = rec.recommend(batch);
                for (int r = 0; r < batch.size(); r++) {
                    RecommendRequest req = batch.get(r);
                    float[] u = rec.userVector(req.userId(), req.history());
                    java.util.Set<Integer> excluded = new java.util.HashSet<>();
                    if (req.excludeHistory()) {
                        int known = state.users().indexOf(req.userId());
                        if (known >= 0) {
                            Arrays.stream(state.userItems()[known]).forEach(excluded::add);
                        }
                        req.history().forEach(item -> excluded.add(state.items().indexOf(item)));
                    }
                    List<Integer> ranked = new ArrayList<>();
                    float[] score = new float[itemScores.length];
                    for (int i = 1; i < itemScores.length; i++) {
                        for (int c = 0; c < u.length; c++) {
                            score[i] += u[c] * itemScores[i][c];
                        }
                        if (!excluded.contains(i)) {
                            ranked.add(i);
                        }
                    }
                    ranked.sort((a, b) -> Float.compare(score[b], score[a]));
                    List<Integer> best = ranked.subList(0, Math.min(req.k(), ranked.size()));
                    String what = "blocks of " + rows + ", request " + r;
                    assertEquals(best.stream().map(i -> state.items().idAt(i)).toList(),
                            served.get(r).stream().map(ScoredItem::itemId).toList(), what);
                    for (int c = 0; c < best.size(); c++) {
                        assertEquals(score[best.get(c)], served.get(r).get(c).score(), SCORE_TOL, what);
                    }
                }
            }
        }
    }

    private static List<String> randomItems(Random rnd) {
        List<String> history = new ArrayList<>();
        for (int j = 0, n = rnd.nextInt(6); j < n; j++) {
            history.add("i" + rnd.nextInt(Bm3Fixtures.ITEMS));
        }
        return history;
    }

    private static void assertSameRankings(List<List<ScoredItem>> expected, List<List<ScoredItem>> got) {
        assertEquals(expected.size(), got.size());
        for (int r = 0; r < expected.size(); r++) {
            assertEquals(expected.get(r).stream().map(ScoredItem::itemId).toList(),
                    got.get(r).stream().map(ScoredItem::itemId).toList(), "request " + r);
            for (int k = 0; k < expected.get(r).size(); k++) {
                assertEquals(expected.get(r).get(k).score(), got.get(r).get(k).score(), SCORE_TOL);
            }
        }
    }

    @Test
    void shouldMoveUserScoresTowardTheNewItemsNeighbourhood() {
        Trained t = train("lightgcn", 30);
        try (Bm3Recommender rec = new Bm3Recommender(t.state(), "v1", Device.cpu())) {
            // u0 lives in cluster A (items 0..14); it now takes cluster-B items, one event at a time,
            // each answered with the edges stored after the one before
            Map<String, Float> before = scores(rec, "u0", null);
            byte[] edges = null;
            for (String item : List.of("i15", "i16", "i17", "i18")) {
                byte[] stored = answer(rec, "u0", List.of(item), edges).userState();
                rec.userStateStored(edges, stored);
                edges = stored;
            }
            Map<String, Float> after = scores(rec, "u0", edges);
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

    @Test
    void shouldKeepObservedEdgesInTheUsersStateAndCountTheirDegreesFromThoseStates() {
        Trained t = train("bm3", 3);
        try (Bm3Recommender rec = new Bm3Recommender(t.state(), "v1", Device.cpu());
                Bm3Recommender restored = new Bm3Recommender(t.state(), "v1", Device.cpu());
                Bm3Recommender fromOldSnapshot = new Bm3Recommender(t.state(), "v1", Device.cpu());
                Bm3Recommender fromDegreeSnapshot = new Bm3Recommender(t.state(), "v1", Device.cpu());
                Bm3Recommender nextVersion = new Bm3Recommender(t.state(), "v2", Device.cpu())) {
            byte[] first = answer(rec, "u0", List.of("i15"), null).userState();
            rec.userStateStored(null, first);
            byte[] edges = answer(rec, "u0", List.of("i16"), first).userState();
            assertEquals(Map.of("i15", 1), rec.observedDegrees(), "an answer alone counts nothing");
            rec.userStateStored(first, edges);
            assertArrayEquals(new int[] {index(t, "i15"), index(t, "i16")}, Bm3UserEdges.decode(edges, "v1"));
            assertEquals(Map.of("i15", 1, "i16", 1), rec.observedDegrees());

            // the stored edges stand in for a history that has moved on
            assertEquals(scores(rec, "u0", List.of("i15", "i16"), null), scores(rec, "u0", List.of(), edges));
            // another version starts over from the history, and counts none of the edges
            assertEquals(scores(nextVersion, "u0", List.of(), null), scores(nextVersion, "u0", List.of(), edges));
            assertEquals(0, Bm3UserEdges.decode(edges, "v2").length);
            nextVersion.userStateStored(null, edges);
            assertEquals(Map.of(), nextVersion.observedDegrees());

            // the model checkpoints nothing: after a restore the stream hands it every stored state
            assertNull(rec.snapshotState());
            restored.userStateStored(null, edges);
            assertEquals(rec.observedDegrees(), restored.observedDegrees());
            assertEquals(scores(rec, "u0", List.of(), edges), scores(restored, "u0", List.of(), edges));

            // edges that left the state (the oldest, beyond the cap) leave the degrees too
            byte[] shifted = Bm3UserEdges.encode("v1", new int[] {index(t, "i16"), index(t, "i17")});
            rec.userStateStored(edges, shifted);
            assertEquals(Map.of("i16", 1, "i17", 1), rec.observedDegrees());

            // a periodic recount starts from the trained degrees and counts the states still stored
            rec.forgetUserStates();
            assertEquals(Map.of(), rec.observedDegrees());
            assertEquals(scores(nextVersion, "u0", List.of("i16", "i17"), null), scores(rec, "u0", List.of("i16", "i17"), null),
                    "back to the trained degrees");
            rec.userStateStored(null, shifted);
            assertEquals(Map.of("i16", 1, "i17", 1), rec.observedDegrees());

            // an earlier release's checkpoint that listed every user's observed items adds their
            // degrees; its later one of degrees alone is left to the recount from the users' states
            fromOldSnapshot.restoreState(StateBytes.write(out -> {
                out.writeInt(1);
                out.writeUTF("u0");
                out.writeInt(2);
                out.writeUTF("i15");
                out.writeUTF("i16");
            }), 1.0);
            assertEquals(Map.of("i15", 1, "i16", 1), fromOldSnapshot.observedDegrees());
            fromDegreeSnapshot.restoreState(StateBytes.write(out -> {
                out.writeInt(-0x424d3302);
                out.writeInt(1);
                out.writeUTF("i15");
                out.writeInt(3);
            }), 1.0);
            assertEquals(Map.of(), fromDegreeSnapshot.observedDegrees());
        }
        assertArrayEquals(new int[] {1, 127, 128, 300_000}, Bm3UserEdges.decode(
                Bm3UserEdges.encode("v1", new int[] {1, 127, 128, 300_000}), "v1"));
        int[] many = java.util.stream.IntStream.rangeClosed(1, Bm3UserEdges.MAX_EDGES + 300).toArray();
        assertArrayEquals(Arrays.copyOfRange(many, 300, many.length),
                Bm3UserEdges.decode(Bm3UserEdges.encode("v1", many), "v1"), "the newest edges are kept");
        assertThrows(IllegalArgumentException.class, () -> Bm3UserEdges.decode(new byte[] {1, 5, 'v'}, "v"));
        assertThrows(IllegalArgumentException.class, () -> Bm3UserEdges.decode(new byte[] {9}, "v"));
    }

    /**
     * libtorch records gradients per thread, on by default in a thread that has not turned it off:
     * training on such a thread (a test runner's, a fine-tuning thread) must still update its
     * parameters in place, unrecorded, as on the thread that loaded the engine.
     */
    @Test
    void shouldTrainOnAThreadThatRecordsGradients() throws Exception {
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                Engine.getInstance(); // loads libtorch
                ai.djl.pytorch.jni.JniUtils.setGradMode(true);
                train("bm3", 1);
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        t.start();
        t.join();
        assertNull(failure[0], () -> "training failed: " + failure[0]);
    }

    @Test
    void shouldCountTheEdgesOfUsersServedElsewhereAsOneInstanceServingEveryoneWould() {
        Trained t = train("bm3", 3);
        try (Bm3Recommender whole = new Bm3Recommender(t.state(), "v1", Device.cpu());
                Bm3Recommender here = new Bm3Recommender(t.state(), "v1", Device.cpu())) {
            byte[] mine = Bm3UserEdges.encode("v1", new int[] {index(t, "i15"), index(t, "i16")});
            byte[] theirs = Bm3UserEdges.encode("v1", new int[] {index(t, "i16"), index(t, "i17"), index(t, "i16")});
            assertEquals(Map.of("i16", 2, "i17", 1), here.countsChanged(null, theirs), "one per stored edge");
            assertEquals(Map.of(), here.countsChanged(null, Bm3UserEdges.encode("v2", new int[] {index(t, "i15")})),
                    "another version's edges count nothing");
            assertEquals(Map.of("i17", 1), here.countsChanged(mine, Bm3UserEdges.encode("v1",
                    new int[] {index(t, "i15"), index(t, "i16"), index(t, "i17")})), "appended edges alone");
            assertEquals(Map.of("i15", -1, "i17", 1), here.countsChanged(mine, Bm3UserEdges.encode("v1",
                    new int[] {index(t, "i16"), index(t, "i17")})), "the oldest edge dropped");
            assertEquals(Map.of(), here.observedDegrees(), "telling what would change changes nothing");
            whole.userStateStored(null, mine);
            whole.userStateStored(null, theirs);
            here.userStateStored(null, mine);
            here.addCountsOfOtherUsers(here.countsChanged(null, theirs));
            here.addCountsOfOtherUsers(Map.of("no-such-item", 4));
            assertEquals(whole.observedDegrees(), here.observedDegrees());
            assertEquals(scores(whole, "newcomer", List.of("i16"), null), scores(here, "newcomer", List.of("i16"), null));

            // a recount of this subtask's users keeps what the others' users add
            here.forgetUserStates();
            assertEquals(Map.of("i16", 2, "i17", 1), here.observedDegrees());
            here.userStateStored(null, mine);
            assertEquals(whole.observedDegrees(), here.observedDegrees());

            // the other user's edges leave: their counts go down again
            here.addCountsOfOtherUsers(Map.of("i16", -2, "i17", -1));
            assertEquals(Map.of("i15", 1, "i16", 1), here.observedDegrees());
        }
    }

    private static int index(Trained t, String item) {
        return t.state().items().indexOf(item);
    }

    private static Answer answer(Bm3Recommender rec, String user, List<String> history, byte[] state) {
        return rec.answer(List.of(new RecommendRequest(user, history, 5, true, state))).get(0);
    }

    private static Map<String, Float> scores(Bm3Recommender rec, String user, byte[] state) {
        return scores(rec, user, List.of(), state);
    }

    /**
     * Every item's score for the user (nothing excluded), with the given history and stored edges
     * (without: the stateless path, which records no edges).
     */
    private static Map<String, Float> scores(Bm3Recommender rec, String user, List<String> history, byte[] state) {
        Map<String, Float> out = new LinkedHashMap<>();
        RecommendRequest r = new RecommendRequest(user, history, Bm3Fixtures.ITEMS, false, state);
        List<ScoredItem> all = state == null ? rec.recommend(List.of(r)).get(0) : rec.answer(List.of(r)).get(0).items();
        for (ScoredItem s : all) {
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

    @Test
    void shouldServeTheSameTopKOnCuda(@TempDir Path dir) throws Exception {
        GpuParity.assumeGpu();
        Trained t = train("bm3", 3);
        ModelArtifact artifact = Bm3ArtifactIO.write(dir.resolve("a"), t.state(), "v1",
                JsonNodeFactory.instance.objectNode().put("split", "random"));
        GpuParity.assertServesTheSameOnCuda(device -> new Bm3Family().loadRecommender(artifact, device), List.of(
                new RecommendRequest("u0", List.of("i1"), 5, true),
                new RecommendRequest("new-user", List.of("i16", "i17"), 5, true)), SCORE_TOL);
    }

    @Test
    void shouldEvaluateLargeCataloguesInChunksOfBoundedSize() {
        assertEquals(1024, Bm3Evaluator.chunkFor(9_725, 1024), "MovieLens: the usual chunk");
        assertEquals(335, Bm3Evaluator.chunkFor(100_001, 1024), "100,000 items: ~128 MB of scores per chunk");
        assertEquals(1, Bm3Evaluator.chunkFor(1 << 26, 1024));
    }
}
