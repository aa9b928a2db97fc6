package dev.streamrec.model.train;

import dev.streamrec.model.data.LeaveOneOutSplit;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class SampledNegativesTest {

    /** One user who interacted with items 1, 2, 3 (3 is the target) and, later, 7. */
    private static final int[] USER_ITEMS = {1, 2, 3, 7};
    private static final LeaveOneOutSplit.Case CASE = new LeaveOneOutSplit.Case(0, new int[] {1, 2}, 3);

    @Test
    void shouldRankTheTargetAmongAllUnseenItemsWhenThereAreNoMoreThanAskedFor() {
        // catalogue 1..7; never interacted with: 4, 5, 6 -> all three are the negatives
        SampledNegatives protocol = new SampledNegatives(7, 100, 42L, u -> USER_ITEMS);
        assertArrayEquals(new int[] {4, 5, 6}, protocol.draw(CASE));
        //                pad  1    2    3(t)  4    5    6     7
        float[] scores = {9f, 10f, 10f, 0.5f, 0.9f, 0.1f, 0.5f, 10f};
        // only 4 beats the target; 6 ties it and loses on the higher index; 1, 2, 7 are never ranked
        assertEquals(2, protocol.rank(scores, CASE));
        assertEquals(5, new FullRanking(false).rank(scores, CASE), "full ranking: 1, 2, 7 and 4 ahead");
    }

    @Test
    void shouldDrawTheSameNegativesForTheSameSeedAndCase() {
        SampledNegatives protocol = new SampledNegatives(12, 3, 42L, u -> USER_ITEMS);
        int[] drawn = protocol.draw(CASE);
        // pinned: seed 42, user 0, history length 2, catalogue 1..12 without 1, 2, 3, 7
        assertArrayEquals(new int[] {4, 8, 6}, drawn);
        assertArrayEquals(drawn, new SampledNegatives(12, 3, 42L, u -> USER_ITEMS).draw(CASE));
        assertEquals(3, Arrays.stream(drawn).distinct().count());
        for (int item : drawn) {
            assertFalse(Arrays.stream(USER_ITEMS).anyMatch(i -> i == item), "drawn an interacted item " + item);
        }
        assertNotEquals(Arrays.toString(drawn), Arrays.toString(new SampledNegatives(12, 3, 7L, u -> USER_ITEMS).draw(CASE)));
        // known scores: item i scores i / 10, the target 0.55 -> beaten by the drawn 6 and 8, not by 4
        float[] scores = new float[13];
        for (int i = 1; i <= 12; i++) {
            scores[i] = i / 10f;
        }
        scores[3] = 0.55f;
        assertEquals(3, protocol.rank(scores, CASE));
        RankedCases ranked = new FullRankingEvaluator(8, protocol, 10).rank(h -> new float[][] {scores}, List.of(CASE));
        assertEquals(3, ranked.ranks()[0]);
    }
}
