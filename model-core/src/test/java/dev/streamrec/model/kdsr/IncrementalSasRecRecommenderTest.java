package dev.streamrec.model.kdsr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.streamrec.model.artifact.ArtifactException;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.backbone.EncoderConfig;
import dev.streamrec.model.backbone.SasRecStepper;
import dev.streamrec.model.backbone.SequenceModelBlock;
import dev.streamrec.model.data.ItemIndex;
import dev.streamrec.model.serving.Answer;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.Recommender;
import dev.streamrec.model.serving.ScoredItem;
import dev.streamrec.model.serving.UserStateful;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncrementalSasRecRecommenderTest {

    private static final float TOLERANCE = 1e-4f;
    private static final int ITEMS = 25;
    private static final int MAX_LEN = 4;
    /** Items the stream's requests carry: fewer than the histories grow to, as the job's window. */
    private static final int WINDOW = 3;
    private static final int K = 5;
    private static final ItemIndex INDEX = ItemIndex.of(IntStream.rangeClosed(1, ITEMS).mapToObj(i -> "i" + i).toList());

    @TempDir
    Path dir;

    private static SequenceModelBlock block(NDManager m, EncoderConfig.Positions positions) {
        Engine.getInstance().setRandomSeed(3);
        SequenceModelBlock block = new SequenceModelBlock(
                new EncoderConfig(EncoderConfig.Kind.SASREC, ITEMS, 8, MAX_LEN, 2, 2, 0.2f, positions));
        block.initialize(m, DataType.FLOAT32, new Shape(1, MAX_LEN));
        return block;
    }

    private static IncrementalSasRecRecommender recommender(NDManager m, String tag, CacheEncoding encoding) {
        return new IncrementalSasRecRecommender("sasrec", "v1", tag, INDEX,
                new SasRecStepper(block(m, EncoderConfig.Positions.ROTARY), m), encoding, () -> {});
    }

    private static RecommendRequest request(String user, List<String> history, byte[] state) {
        return new RecommendRequest(user, List.copyOf(history.subList(Math.max(0, history.size() - WINDOW), history.size())),
                K, true, state);
    }

    private static void assertSameAnswer(List<ScoredItem> expected, List<ScoredItem> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).itemId(), actual.get(i).itemId());
            assertEquals(expected.get(i).score(), actual.get(i).score(), TOLERANCE);
        }
    }

    /**
     * Five users' random events (some of items the model does not know) in batches of any order,
     * users joining over time so that batches mix rows with and without a cache: the requests
     * carry only the last 3 items, yet with the stored caches every answer is that of the whole
     * history, as {@link IncrementalSasRecRecommender#recommend} gives it when the whole history is
     * carried (apart from the excluded items, which only the window names).
     */
    @Test
    void storedCachesAnswerForTheWholeHistory() {
        try (NDManager m = NDManager.newBaseManager()) {
            IncrementalSasRecRecommender model = recommender(m, "sha-a", CacheEncoding.FLOAT32);
            Random random = new Random(9);
            Map<String, List<String>> histories = new HashMap<>();
            Map<String, byte[]> states = new HashMap<>();
            int mixed = 0;
            for (int step = 0; step < 30; step++) {
                List<String> users = new ArrayList<>(List.of("a", "b", "c", "d", "e").subList(0, Math.min(5, 1 + step / 4)));
                Collections.shuffle(users, random);
                users = users.subList(0, 1 + random.nextInt(users.size()));
                List<RecommendRequest> batch = new ArrayList<>();
                for (String u : users) {
                    List<String> h = histories.computeIfAbsent(u, x -> new ArrayList<>());
                    h.add(random.nextInt(10) == 0 ? "unknown" + step : "i" + (1 + random.nextInt(ITEMS)));
                    batch.add(request(u, h, states.get(u)));
                }
                if (batch.stream().anyMatch(r -> r.userState() == null) && batch.stream().anyMatch(r -> r.userState() != null)) {
                    mixed++;
                }
                List<Answer> answers = model.answer(batch);
                for (int r = 0; r < users.size(); r++) {
                    String u = users.get(r);
                    List<String> whole = histories.get(u);
                    List<String> window = batch.get(r).history();
                    RecommendRequest full = new RecommendRequest(u, whole, K + whole.size(), false);
                    List<ScoredItem> expected = model.recommend(List.of(full)).get(0).stream()
                            .filter(s -> !window.contains(s.itemId()))
                            .limit(K).toList();
                    assertSameAnswer(expected, answers.get(r).items());
                    assertNotNull(answers.get(r).userState());
                    states.put(u, answers.get(r).userState());
                }
            }
            assertTrue(mixed > 2, "batches mixing cached and uncached users: " + mixed);
            assertTrue(histories.values().stream().anyMatch(h -> h.size() > 2 * MAX_LEN));
            // P = 3 positions, one cached layer of d = 8, float32: 1 + 4 + 5 + 1 + 12 + 12 + 32 + 2·3·32
            assertEquals(259, states.get("a").length);
        }
    }

    /** A cache of another artifact, or one that missed an event, is not used: the answer starts over from the window. */
    @Test
    void refusesACacheOfAnotherArtifactOrOneThatMissedAnEvent() {
        try (NDManager m = NDManager.newBaseManager()) {
            IncrementalSasRecRecommender a = recommender(m, "sha-a", CacheEncoding.FLOAT32);
            IncrementalSasRecRecommender b = recommender(m, "sha-b", CacheEncoding.FLOAT32);
            List<String> history = new ArrayList<>(List.of("i1", "i2", "i3", "i4", "i5", "i6"));
            byte[] stateA = a.answer(List.of(request("u", history.subList(0, 5), null))).get(0).userState();
            RecommendRequest next = request("u", history, stateA);
            List<ScoredItem> fromWindow = a.answer(List.of(next.withUserState(null))).get(0).items();

            assertNotEquals(fromWindow.get(0).score(), a.answer(List.of(next)).get(0).items().get(0).score());
            assertSameAnswer(fromWindow, b.answer(List.of(next)).get(0).items());
            history.add(5, "i9"); // an event the cache did not see
            RecommendRequest skipped = request("u", history, stateA);
            assertSameAnswer(a.answer(List.of(skipped.withUserState(null))).get(0).items(),
                    a.answer(List.of(skipped)).get(0).items());
        }
    }

    /**
     * The same stream served with float16 and int8 caches against float32: the largest score
     * difference stays small against the scores' spread, and the top 10 are nearly the same.
     * (The measurement at the benchmark's shape is in docs/serving.md.)
     */
    @Test
    void compactCachesStayCloseToFloat32() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<CacheEncoding, IncrementalSasRecRecommender> models = new HashMap<>();
            for (CacheEncoding e : CacheEncoding.values()) {
                models.put(e, recommender(m, "sha", e));
            }
            Map<CacheEncoding, Map<String, byte[]>> states = new HashMap<>();
            Map<CacheEncoding, Double> maxDiff = new HashMap<>();
            Map<CacheEncoding, Double> overlap = new HashMap<>();
            Random random = new Random(2);
            List<String> history = new ArrayList<>();
            int answers = 0;
            for (int step = 0; step < 40; step++) {
                history.add("i" + (1 + random.nextInt(ITEMS)));
                Map<CacheEncoding, List<ScoredItem>> top = new HashMap<>();
                for (CacheEncoding e : CacheEncoding.values()) {
                    RecommendRequest req = new RecommendRequest("u", List.copyOf(history), 10, false,
                            states.computeIfAbsent(e, x -> new HashMap<>()).get("u"));
                    Answer answer = models.get(e).answer(List.of(req)).get(0);
                    states.get(e).put("u", answer.userState());
                    top.put(e, answer.items());
                }
                Map<String, Float> exact = new HashMap<>();
                top.get(CacheEncoding.FLOAT32).forEach(s -> exact.put(s.itemId(), s.score()));
                for (CacheEncoding e : List.of(CacheEncoding.FLOAT16, CacheEncoding.INT8)) {
                    Set<String> shared = new HashSet<>(exact.keySet());
                    shared.retainAll(top.get(e).stream().map(ScoredItem::itemId).toList());
                    overlap.merge(e, (double) shared.size() / 10, Double::sum);
                    for (ScoredItem s : top.get(e)) {
                        if (exact.containsKey(s.itemId())) {
                            maxDiff.merge(e, (double) Math.abs(s.score() - exact.get(s.itemId())), Math::max);
                        }
                    }
                }
                answers++;
            }
            assertTrue(maxDiff.get(CacheEncoding.FLOAT16) < 5e-3, "float16: " + maxDiff);
            assertTrue(maxDiff.get(CacheEncoding.INT8) < 5e-2, "int8: " + maxDiff);
            assertTrue(overlap.get(CacheEncoding.FLOAT16) / answers > 0.95, "float16 top-10 overlap " + overlap);
            assertTrue(overlap.get(CacheEncoding.INT8) / answers > 0.9, "int8 top-10 overlap " + overlap);
            assertTrue(states.get(CacheEncoding.INT8).get("u").length < states.get(CacheEncoding.FLOAT16).get("u").length);
        }
    }

    /** The family serves a rotary artifact with the cache and a learned one by re-encoding; the cache itself refuses a learned one. */
    @Test
    void servesRotaryArtifactsWithTheCacheAndLearnedOnesByReEncoding() throws Exception {
        KdsrFamily family = new KdsrFamily();
        for (EncoderConfig.Positions positions : EncoderConfig.Positions.values()) {
            Path out = dir.resolve(positions.id());
            try (NDManager m = NDManager.newBaseManager()) {
                KdsrArtifacts.writeSequenceModel(out, "sasrec", "v1", block(m, positions), INDEX, KdsrArtifacts.newObject());
            }
            ModelArtifact artifact = ModelArtifact.load(out);
            List<RecommendRequest> batch = List.of(new RecommendRequest("u", List.of("i1", "i2", "i3"), K, true));
            try (Recommender incremental = family.loadIncrementalRecommender(artifact, "cpu");
                    Recommender window = family.loadRecommender(artifact, "cpu")) {
                boolean rotary = positions == EncoderConfig.Positions.ROTARY;
                assertEquals(rotary, incremental instanceof UserStateful, positions.id());
                assertSameAnswer(window.recommend(batch).get(0), incremental.recommend(batch).get(0));
            }
            if (positions == EncoderConfig.Positions.LEARNED) {
                ArtifactException refused = assertThrows(ArtifactException.class,
                        () -> IncrementalSasRecRecommender.load(artifact, Device.cpu(), CacheEncoding.DEFAULT));
                assertTrue(refused.getMessage().contains("rotary"), refused.getMessage());
                assertFalse(artifact.config().path("hyperParameters").has("positions"), "learned artifacts keep their config");
            } else {
                assertEquals("rotary", artifact.config().path("hyperParameters").path("positions").asText());
                assertInstanceOf(IncrementalSasRecRecommender.class, family.loadIncrementalRecommender(artifact, "cpu"));
            }
        }
    }
}
