package dev.streamrec.model.kdsr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.streamrec.model.backbone.EncoderConfig;
import dev.streamrec.model.backbone.Gru4RecStepper;
import dev.streamrec.model.backbone.SequenceModelBlock;
import dev.streamrec.model.data.ItemIndex;
import dev.streamrec.model.serving.Answer;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.ScoredItem;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class IncrementalGru4RecRecommenderTest {

    private static final float TOLERANCE = 1e-5f;
    private static final int ITEMS = 25;
    private static final int MAX_LEN = 4;
    /** Items the stream's requests carry: fewer than the histories grow to, as the job's window. */
    private static final int WINDOW = 3;
    private static final int K = 5;

    private static IncrementalGru4RecRecommender recommender(NDManager m, String tag) {
        Engine.getInstance().setRandomSeed(3);
        SequenceModelBlock block = new SequenceModelBlock(
                new EncoderConfig(EncoderConfig.Kind.GRU4REC, ITEMS, 8, MAX_LEN, 2, 1, 0.2f));
        block.initialize(m, DataType.FLOAT32, new Shape(1, MAX_LEN));
        ItemIndex items = ItemIndex.of(IntStream.rangeClosed(1, ITEMS).mapToObj(i -> "i" + i).toList());
        return new IncrementalGru4RecRecommender("gru4rec", "v1", tag, items, new Gru4RecStepper(block, m), () -> {});
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
     * Four users' random events (some of items the model does not know) in batches of any order:
     * the requests carry only the last 3 items, yet with the stored states every answer is that
     * of the whole history, as {@link IncrementalGru4RecRecommender#recommend} gives it when the
     * whole history is carried (apart from the excluded items, which only the window names).
     */
    @Test
    void storedStatesAnswerForTheWholeHistory() {
        try (NDManager m = NDManager.newBaseManager()) {
            IncrementalGru4RecRecommender model = recommender(m, "sha-a");
            Random random = new Random(9);
            Map<String, List<String>> histories = new HashMap<>();
            Map<String, byte[]> states = new HashMap<>();
            for (int step = 0; step < 30; step++) {
                List<String> users = new ArrayList<>(List.of("a", "b", "c", "d"));
                Collections.shuffle(users, random);
                users = users.subList(0, 1 + random.nextInt(4));
                List<RecommendRequest> batch = new ArrayList<>();
                for (String u : users) {
                    List<String> h = histories.computeIfAbsent(u, x -> new ArrayList<>());
                    h.add(random.nextInt(10) == 0 ? "unknown" + step : "i" + (1 + random.nextInt(ITEMS)));
                    batch.add(request(u, h, states.get(u)));
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
            assertEquals(4 * 8 * 2 + 1 + 4 + "sha-a".length() + 4 + 4, states.get("a").length);
        }
    }

    /** A state of another artifact, or one that missed an event, is not used: the answer starts over from the window. */
    @Test
    void refusesAStateOfAnotherArtifactOrOneThatMissedAnEvent() {
        try (NDManager m = NDManager.newBaseManager()) {
            IncrementalGru4RecRecommender a = recommender(m, "sha-a");
            IncrementalGru4RecRecommender b = recommender(m, "sha-b");
            List<String> history = new ArrayList<>(List.of("i1", "i2", "i3", "i4", "i5", "i6"));
            byte[] stateA = a.answer(List.of(request("u", history.subList(0, 5), null))).get(0).userState();
            RecommendRequest next = request("u", history, stateA);
            List<ScoredItem> fromWindow = a.answer(List.of(next.withUserState(null))).get(0).items();

            assertNotEquals(fromWindow.get(0).score(), a.answer(List.of(next)).get(0).items().get(0).score());
            assertSameAnswer(fromWindow, b.answer(List.of(next)).get(0).items());
            assertNull(Gru4RecUserState.decode(stateA, "sha-b", 16));
            history.add(5, "i9"); // an event the state did not see
            RecommendRequest skipped = request("u", history, stateA);
            assertSameAnswer(a.answer(List.of(skipped.withUserState(null))).get(0).items(),
                    a.answer(List.of(skipped)).get(0).items());
        }
    }
}
