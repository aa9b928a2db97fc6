package dev.streamrec.model.missrec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.streamrec.model.data.ItemIndex;
import dev.streamrec.model.serving.Answer;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.ScoredItem;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/** MISSRec's per-user interest working set as the stream carries it from event to event. */
class MissRecUserStateTest {

    /** Incremental and from-scratch distances differ only by float rounding of the same formula. */
    private static final float SCORE_TOL = 1e-4f;

    private static ItemIndex index() {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= SyntheticData.ITEMS; i++) {
            ids.add("m" + i);
        }
        return ItemIndex.of(ids);
    }

    private static MissRecRecommender.WithUserState recommender(SyntheticData data) {
        Engine.getInstance().setRandomSeed(5);
        MissRecModel m = MissRecModel.create(
                SyntheticData.config(MissRecConfig.Mode.INDUCTIVE, MissRecConfig.InterestMethod.DPC_KNN),
                data.features, Device.cpu());
        m.freezeCatalogue();
        return assertInstanceOf(MissRecRecommender.WithUserState.class, MissRecRecommender.of(m, index(), "v1"),
                "DPC-KNN MISSRec keeps per-user state");
    }

    private static List<String> prefix(int[] seq, int length) {
        List<String> h = new ArrayList<>();
        for (int t = 0; t < length; t++) {
            h.add("m" + seq[t]);
        }
        return h;
    }

    @Test
    void shouldAnswerLikeTheStatelessPathWhileCarryingStateBeyondTheWindow() {
        SyntheticData data = new SyntheticData(7, 3, 16); // 16 events > maxLen 10: the window slides
        try (MissRecRecommender.WithUserState r = recommender(data)) {
            byte[][] state = new byte[3][];
            for (int t = 1; t <= 16; t++) {
                List<RecommendRequest> batch = new ArrayList<>();
                for (int u = 0; u < 3; u++) {
                    batch.add(new RecommendRequest("u" + u, prefix(data.sequences.get(u), t), 5, false, state[u]));
                }
                List<Answer> stateful = r.answer(batch);
                List<List<ScoredItem>> stateless = r.recommend(batch);
                for (int u = 0; u < 3; u++) {
                    assertSameTop(stateless.get(u), stateful.get(u).items(), "user " + u + " after " + t + " events");
                    state[u] = stateful.get(u).userState();
                    assertNotNull(state[u]);
                }
            }
            for (int u = 0; u < 3; u++) {
                InterestWorkingSet carried = InterestWorkingSet.decode(state[u]);
                int[] window = carried.items();
                assertEquals(10, window.length, "the set covers the model's window");
                InterestWorkingSet fresh = InterestWorkingSet.advance(null, carried.tag(), window,
                        modelTokens(r));
                for (int i = 0; i < window.length * 2; i++) {
                    for (int j = 0; j < window.length * 2; j++) {
                        assertEquals(fresh.distance(i, j), carried.distance(i, j), 1e-6f, "reused distance " + i + "," + j);
                    }
                }
                assertEquals(window.length * 2, carried.assignment().length, "one interest slot per token");
            }
        }
    }

    private static ItemTokenTable modelTokens(MissRecRecommender r) {
        return r.tokenTable();
    }

    @Test
    void shouldServeTheTopOfTheFullScoreRowsRankedOnTheDevice() {
        SyntheticData data = new SyntheticData(10, 2, 9);
        Engine.getInstance().setRandomSeed(5);
        MissRecModel m = MissRecModel.create(
                SyntheticData.config(MissRecConfig.Mode.TRANSDUCTIVE, MissRecConfig.InterestMethod.DPC_KNN),
                data.features, Device.cpu());
        m.freezeCatalogue();
        try (MissRecRecommender r = MissRecRecommender.of(m, index(), "v1")) {
            for (int u = 0; u < 2; u++) {
                int[] seq = data.sequences.get(u);
                List<ScoredItem> served = r.recommend(List.of(new RecommendRequest("u", prefix(seq, 9), 7, true))).get(0);
                float[] row = m.scoreAll(new int[][] {seq})[0];
                boolean[] excluded = new boolean[row.length];
                for (int i : seq) {
                    excluded[i] = true;
                }
                int[] expected = dev.streamrec.model.metrics.TopK.select(row, 7, excluded, 1);
                assertEquals(expected.length, served.size());
                for (int k = 0; k < expected.length; k++) {
                    assertEquals("m" + expected[k], served.get(k).itemId(), "rank " + k);
                    assertEquals(row[expected[k]], served.get(k).score(), SCORE_TOL, "rank " + k);
                }
            }
        }
    }

    @Test
    void shouldStartOverFromUnreadableForeignOrStaleState() {
        SyntheticData data = new SyntheticData(8, 2, 8);
        try (MissRecRecommender.WithUserState r = recommender(data)) {
            List<String> h = prefix(data.sequences.get(0), 8);
            byte[] other = r.answer(List.of(new RecommendRequest("u1", prefix(data.sequences.get(1), 6), 5, false)))
                    .get(0).userState();
            List<ScoredItem> expected = r.recommend(List.of(new RecommendRequest("u0", h, 5, false))).get(0);
            for (byte[] s : new byte[][] {null, {1, 2, 3}, {99}, other}) {
                Answer a = r.answer(List.of(new RecommendRequest("u0", h, 5, false, s))).get(0);
                assertSameTop(expected, a.items(), "state " + (s == null ? "null" : s.length + " bytes"));
            }
            assertNull(InterestWorkingSet.decode(new byte[] {1, 2, 3}));
        }
    }

    @Test
    void shouldNotReuseStateAcrossAFeatureChange() {
        SyntheticData data = new SyntheticData(9, 1, 6);
        try (MissRecRecommender.WithUserState r = recommender(data)) {
            int[] seq = data.sequences.get(0);
            byte[] s = r.answer(List.of(new RecommendRequest("u", prefix(seq, 5), 5, false))).get(0).userState();
            String before = InterestWorkingSet.decode(s).tag();
            r.upsertItem("m" + seq[0], null, java.util.Map.of("text", new float[8], "image", new float[6]));
            List<String> h = prefix(seq, 6);
            Answer a = r.answer(List.of(new RecommendRequest("u", h, 5, false, s))).get(0);
            assertFalse(before.equals(InterestWorkingSet.decode(a.userState()).tag()), "a new feature generation");
            assertSameTop(r.recommend(List.of(new RecommendRequest("u", h, 5, false))).get(0), a.items(), "after upsert");
        }
    }

    @Test
    void shouldFindTheLongestReusableOverlap() {
        assertEquals(0, InterestWorkingSet.overlapStart(new int[] {1, 2, 3}, new int[] {1, 2, 3, 4}));
        assertEquals(1, InterestWorkingSet.overlapStart(new int[] {1, 2, 3}, new int[] {2, 3, 4}));
        assertEquals(-1, InterestWorkingSet.overlapStart(new int[] {1, 2, 3}, new int[] {4, 5}));
        assertEquals(2, InterestWorkingSet.overlapStart(new int[] {1, 2, 3}, new int[] {3, 1, 2}));
    }

    private static void assertSameTop(List<ScoredItem> expected, List<ScoredItem> actual, String what) {
        assertEquals(expected.size(), actual.size(), what);
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).itemId(), actual.get(i).itemId(), what + " rank " + i);
            assertEquals(expected.get(i).score(), actual.get(i).score(), SCORE_TOL, what + " rank " + i);
        }
    }
}
