package dev.streamrec.model.kdsr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.streamrec.model.backbone.EncoderConfig;
import dev.streamrec.model.backbone.Gru4RecStepper;
import dev.streamrec.model.backbone.SasRecStepper;
import dev.streamrec.model.backbone.SequenceModelBlock;
import dev.streamrec.model.data.ItemIndex;
import dev.streamrec.model.serving.Answer;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.ScoredItem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The incremental contract for every backbone that has one: requests that carry only the last
 * items of a long history, with the states the recommender returned, are answered as the whole
 * history; states of another artifact or that missed an event are refused.
 */
class IncrementalSequenceRecommenderTest {

    private static final int ITEMS = 25;
    private static final int MAX_LEN = 4;
    /** Items the stream's requests carry: fewer than the histories grow to, as the job's window. */
    private static final int WINDOW = 3;
    private static final int K = 5;
    static final ItemIndex INDEX = ItemIndex.of(IntStream.rangeClosed(1, ITEMS).mapToObj(i -> "i" + i).toList());

    /** The backbones under test, each with its score tolerance against re-encoding the whole history. */
    enum Backbone {
        /** Two GRU layers of d = 8: the state is 2·8 floats, the newest item and the header. */
        GRU4REC(1e-5f, 4 * 8 * 2 + 1 + 4 + 5 + 4 + 4),
        /** Two rotary SASRec layers of d = 8, float32 caches of P = 3 positions and one cached layer, the next position (int64). */
        SASREC(1e-4f, 1 + 4 + 5 + 1 + 12 + 8 + 12 + 32 + 2 * 3 * 32);

        final float tolerance;
        final int stateBytes;

        Backbone(float tolerance, int stateBytes) {
            this.tolerance = tolerance;
            this.stateBytes = stateBytes;
        }

        IncrementalSequenceRecommender<?> recommender(NDManager m, String tag) {
            return this == GRU4REC
                    ? new IncrementalSequenceRecommender<>("gru4rec", "v1", INDEX, new Gru4RecIncrementalBackbone(tag,
                            new Gru4RecStepper(block(m, EncoderConfig.Kind.GRU4REC, EncoderConfig.Positions.LEARNED), m)),
                            () -> {})
                    : sasRec(m, tag, CacheEncoding.FLOAT32);
        }
    }

    static SequenceModelBlock block(NDManager m, EncoderConfig.Kind kind, EncoderConfig.Positions positions) {
        Engine.getInstance().setRandomSeed(3);
        int heads = kind == EncoderConfig.Kind.SASREC ? 2 : 1;
        SequenceModelBlock block = new SequenceModelBlock(
                new EncoderConfig(kind, ITEMS, 8, MAX_LEN, 2, heads, 0.2f, positions));
        block.initialize(m, DataType.FLOAT32, new Shape(1, MAX_LEN));
        return block;
    }

    static IncrementalSequenceRecommender<?> sasRec(NDManager m, String tag, CacheEncoding encoding) {
        return new IncrementalSequenceRecommender<>("sasrec", "v1", INDEX, new SasRecIncrementalBackbone(tag,
                new SasRecStepper(block(m, EncoderConfig.Kind.SASREC, EncoderConfig.Positions.ROTARY), m), encoding),
                () -> {});
    }

    private static RecommendRequest request(String user, List<String> history, byte[] state) {
        return new RecommendRequest(user, List.copyOf(history.subList(Math.max(0, history.size() - WINDOW), history.size())),
                K, true, state);
    }

    static void assertSameAnswer(List<ScoredItem> expected, List<ScoredItem> actual, float tolerance) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).itemId(), actual.get(i).itemId());
            assertEquals(expected.get(i).score(), actual.get(i).score(), tolerance);
        }
    }

    /**
     * Five users' random events (some of items the model does not know) in batches of any order,
     * users joining over time so that batches mix rows with and without a state: the requests
     * carry only the last 3 items, yet with the stored states every answer is that of the whole
     * history, as {@link IncrementalSequenceRecommender#recommend} gives it when the whole history
     * is carried (apart from the excluded items, which only the window names).
     */
    @ParameterizedTest
    @EnumSource(Backbone.class)
    void storedStatesAnswerForTheWholeHistory(Backbone backbone) {
        try (NDManager m = NDManager.newBaseManager()) {
            IncrementalSequenceRecommender<?> model = backbone.recommender(m, "sha-a");
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
                    assertSameAnswer(expected, answers.get(r).items(), backbone.tolerance);
                    assertNotNull(answers.get(r).userState());
                    states.put(u, answers.get(r).userState());
                }
            }
            assertTrue(mixed > 2, "batches mixing users with and without a state: " + mixed);
            assertTrue(histories.values().stream().anyMatch(h -> h.size() > 2 * MAX_LEN));
            assertEquals(backbone.stateBytes, states.get("a").length);
        }
    }

    /**
     * The offline evaluation's scorer of whole histories ({@code evaluate --incremental-inference})
     * ranks as the recommender answers the same whole histories, and for a history longer than L its
     * scores are not those of the last L items.
     */
    @ParameterizedTest
    @EnumSource(Backbone.class)
    void wholeHistoryScorerRanksAsTheServedAnswers(Backbone backbone) {
        try (NDManager m = NDManager.newBaseManager()) {
            IncrementalSequenceRecommender<?> model = backbone.recommender(m, "sha-a");
            Random random = new Random(4);
            int[][] histories = new int[4][];
            for (int r = 0; r < histories.length; r++) {
                histories[r] = random.ints(1 + 3 * r, 1, ITEMS + 1).toArray();
            }
            float[][] scores = model.wholeHistoryScorer().score(histories);
            for (int r = 0; r < histories.length; r++) {
                List<String> whole = Arrays.stream(histories[r]).mapToObj(INDEX::idAt).toList();
                List<ScoredItem> served = model.recommend(List.of(new RecommendRequest("u" + r, whole, K, false))).get(0);
                float[] row = scores[r];
                List<ScoredItem> ranked = IntStream.rangeClosed(1, ITEMS).boxed()
                        .sorted((a, b) -> Float.compare(row[b], row[a]))
                        .limit(K).map(i -> new ScoredItem(INDEX.idAt(i), row[i])).toList();
                assertSameAnswer(served, ranked, backbone.tolerance);
            }
            int[][] lastL = {Arrays.copyOfRange(histories[3], histories[3].length - MAX_LEN, histories[3].length)};
            assertFalse(Arrays.equals(scores[3], model.wholeHistoryScorer().score(lastL)[0]));
        }
    }

    /**
     * A batch with several events of one user, each carrying the state stored before the batch (as
     * the stream sends them): every event is answered as for the whole history, which starting over
     * from the 3 items a request carries would not give, so each later event went on from the state
     * answered to the one before it.
     */
    @ParameterizedTest
    @EnumSource(Backbone.class)
    void eventsOfOneUserInOneBatchEachGoOnFromTheOneBefore(Backbone backbone) {
        try (NDManager m = NDManager.newBaseManager()) {
            IncrementalSequenceRecommender<?> model = backbone.recommender(m, "sha-a");
            List<String> a = new ArrayList<>(List.of("i1", "i2", "i3", "i4", "i5", "i6"));
            List<String> b = new ArrayList<>(List.of("i7", "i8", "i9", "i10", "i11"));
            byte[] stateA = model.answer(List.of(new RecommendRequest("a", List.copyOf(a), K, true))).get(0).userState();
            byte[] stateB = model.answer(List.of(new RecommendRequest("b", List.copyOf(b), K, true))).get(0).userState();
            List<RecommendRequest> batch = new ArrayList<>();
            List<List<String>> wholes = new ArrayList<>();
            for (String[] event : new String[][] {{"a", "i12"}, {"b", "i13"}, {"a", "i14"}, {"a", "unknown"}, {"a", "i15"}, {"b", "i16"}}) {
                List<String> h = event[0].equals("a") ? a : b;
                h.add(event[1]);
                batch.add(request(event[0], h, event[0].equals("a") ? stateA : stateB));
                wholes.add(List.copyOf(h));
            }
            List<Answer> answers = model.answer(batch);
            for (int r = 0; r < batch.size(); r++) {
                List<String> window = batch.get(r).history();
                List<String> whole = wholes.get(r);
                List<ScoredItem> expected = model.recommend(List.of(new RecommendRequest("x", whole, K + whole.size(), false)))
                        .get(0).stream().filter(s -> !window.contains(s.itemId())).limit(K).toList();
                assertSameAnswer(expected, answers.get(r).items(), backbone.tolerance);
            }
            List<ScoredItem> restarted = model.answer(List.of(batch.get(2).withUserState(null))).get(0).items();
            assertNotEquals(restarted.get(0).score(), answers.get(2).items().get(0).score(), "the window alone answers otherwise");

            // an event that does not continue the one before it (an item in between was never seen) starts over from its window
            List<String> c = new ArrayList<>(List.of("i1", "i2", "i3", "i4", "i5", "i6", "i20"));
            RecommendRequest first = request("c", c, null);
            c.add("i21");
            c.add("i22");
            RecommendRequest skipping = request("c", c, null);
            List<Answer> two = model.answer(List.of(first, skipping));
            assertSameAnswer(model.answer(List.of(skipping)).get(0).items(), two.get(1).items(), backbone.tolerance);
            assertSameAnswer(model.answer(List.of(first)).get(0).items(), two.get(0).items(), backbone.tolerance);
        }
    }

    /** A state of another artifact, or one that missed an event, is not used: the answer starts over from the window. */
    @ParameterizedTest
    @EnumSource(Backbone.class)
    void refusesAStateOfAnotherArtifactOrOneThatMissedAnEvent(Backbone backbone) {
        try (NDManager m = NDManager.newBaseManager()) {
            IncrementalSequenceRecommender<?> a = backbone.recommender(m, "sha-a");
            IncrementalSequenceRecommender<?> b = backbone.recommender(m, "sha-b");
            List<String> history = new ArrayList<>(List.of("i1", "i2", "i3", "i4", "i5", "i6"));
            byte[] stateA = a.answer(List.of(request("u", history.subList(0, 5), null))).get(0).userState();
            RecommendRequest next = request("u", history, stateA);
            List<ScoredItem> fromWindow = a.answer(List.of(next.withUserState(null))).get(0).items();

            assertNotEquals(fromWindow.get(0).score(), a.answer(List.of(next)).get(0).items().get(0).score());
            assertSameAnswer(fromWindow, b.answer(List.of(next)).get(0).items(), backbone.tolerance);
            history.add(5, "i9"); // an event the state did not see
            RecommendRequest skipped = request("u", history, stateA);
            assertSameAnswer(a.answer(List.of(skipped.withUserState(null))).get(0).items(),
                    a.answer(List.of(skipped)).get(0).items(), backbone.tolerance);
        }
    }

    /** A state whose header names another model is not decoded at all. */
    @ParameterizedTest
    @EnumSource(Backbone.class)
    void decodesNoStateOfAnotherTag(Backbone backbone) {
        try (NDManager m = NDManager.newBaseManager()) {
            byte[] state = backbone.recommender(m, "sha-a")
                    .answer(List.of(request("u", List.of("i1", "i2"), null))).get(0).userState();
            if (backbone == Backbone.GRU4REC) {
                assertNotNull(Gru4RecUserState.decode(state, "sha-a", 16));
                assertNull(Gru4RecUserState.decode(state, "sha-b", 16));
            } else {
                assertNotNull(SasRecUserState.decode(state, "sha-a", MAX_LEN - 1, 1, 8));
                assertNull(SasRecUserState.decode(state, "sha-b", MAX_LEN - 1, 1, 8));
            }
        }
    }
}
