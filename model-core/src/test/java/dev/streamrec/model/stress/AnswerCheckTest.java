package dev.streamrec.model.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.ScoredItem;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Each kind of bad answer is caught, and a good one passes. */
class AnswerCheckTest {

    private static final RecommendRequest ASKED = new RecommendRequest("u", List.of("h1", "h2"), 3, true);
    private static final int CATALOGUE = 100;

    private static Set<AnswerCheck.Fault> check(ScoredItem... items) {
        return AnswerCheck.check(ASKED, List.of(items), CATALOGUE, id -> true);
    }

    private static ScoredItem s(String id, float score) {
        return new ScoredItem(id, score);
    }

    @Test
    void shouldPassAGoodAnswer() {
        assertEquals(Set.of(), check(s("a", 3f), s("b", 2f), s("c", 2f)));
    }

    @Test
    void shouldCatchEachFault() {
        assertEquals(Set.of(AnswerCheck.Fault.NON_FINITE_SCORE), check(s("a", 3f), s("b", Float.NaN), s("c", 1f)));
        assertEquals(Set.of(AnswerCheck.Fault.NON_FINITE_SCORE), check(s("a", Float.POSITIVE_INFINITY), s("b", 2f), s("c", 1f)));
        assertEquals(Set.of(AnswerCheck.Fault.NULL_ITEM), check(s("a", 3f), s(null, 2f), s("c", 1f)));
        assertEquals(Set.of(AnswerCheck.Fault.DUPLICATE_ITEM), check(s("a", 3f), s("b", 2f), s("a", 1f)));
        assertEquals(Set.of(AnswerCheck.Fault.TOO_MANY), check(s("a", 4f), s("b", 3f), s("c", 2f), s("d", 1f)));
        assertEquals(Set.of(AnswerCheck.Fault.TOO_FEW), check(s("a", 3f), s("b", 2f)));
        assertEquals(Set.of(AnswerCheck.Fault.HISTORY_ITEM), check(s("a", 3f), s("h2", 2f), s("c", 1f)));
        assertEquals(Set.of(AnswerCheck.Fault.NOT_BEST_FIRST), check(s("a", 1f), s("b", 2f), s("c", 0f)));
        assertEquals(3, AnswerCheck.nonFiniteScores(List.of(s("a", Float.NaN), s("b", Float.NEGATIVE_INFINITY),
                s("c", Float.POSITIVE_INFINITY), s("d", 0f))));
    }

    @Test
    void shouldTellAnEmptyAnswerToAColdUserApart() {
        // no history item in the catalogue: an empty answer is cold, not a fault
        assertEquals(Set.of(AnswerCheck.Fault.COLD_EMPTY), AnswerCheck.check(ASKED, List.of(), CATALOGUE, id -> false));
        // one known history item: the same empty answer is too short
        assertEquals(Set.of(AnswerCheck.Fault.TOO_FEW), AnswerCheck.check(ASKED, List.of(), CATALOGUE, "h2"::equals));
        // a cold user answered with too few, but some, items is too short as well
        assertEquals(Set.of(AnswerCheck.Fault.TOO_FEW), AnswerCheck.check(ASKED, List.of(s("a", 1f)), CATALOGUE, id -> false));
    }

    @Test
    void shouldAllowShortAnswersOnlyWhenTheCatalogueIsSmaller() {
        // 4 items, 2 of them in the excluded history: 2 can be answered
        assertEquals(Set.of(), AnswerCheck.check(ASKED, List.of(s("a", 2f), s("b", 1f)), 4, id -> true));
        assertEquals(Set.of(AnswerCheck.Fault.TOO_FEW), AnswerCheck.check(ASKED, List.of(s("a", 2f)), 4, id -> true));
        // unknown catalogue (an online baseline): any size up to k
        assertEquals(Set.of(), AnswerCheck.check(ASKED, List.of(), -1, id -> true));
        // history items are fine when the request does not exclude them
        RecommendRequest keeping = new RecommendRequest("u", List.of("h1"), 1, false);
        assertEquals(Set.of(), AnswerCheck.check(keeping, List.of(s("h1", 1f)), CATALOGUE, id -> true));
    }
}
