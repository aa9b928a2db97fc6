package dev.streamrec.model.stress;

import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.ScoredItem;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What can be wrong with one answer of a served model, checked on every answer of a serving stress
 * run: a score that is not finite, a null item id, an item twice, more than {@code k} items or fewer
 * than the catalogue allows, an item of the user's history when the request excludes it, items not
 * best first. One short answer is not a fault but is told apart: an empty answer to a user none of
 * whose items the model knows ({@link Fault#COLD_EMPTY}), which is what MISSRec answers by design
 * (it encodes only known items; {@code MissRecArtifactsTest} asserts it).
 */
final class AnswerCheck {

    /** One kind of fault. */
    enum Fault {
        NON_FINITE_SCORE, NULL_ITEM, DUPLICATE_ITEM, TOO_MANY, TOO_FEW, HISTORY_ITEM, NOT_BEST_FIRST,
        /** Not a fault: nothing answered to a history of items all outside the model's catalogue. */
        COLD_EMPTY
    }

    private AnswerCheck() {}

    /**
     * The faults of {@code answer} to {@code request}.
     *
     * @param catalogueSize items the model can recommend at least (its trained catalogue); below 0
     *     when unknown (an online baseline), and then only the upper bound {@code k} is checked
     * @param known whether an item is in the model's catalogue (for {@link Fault#COLD_EMPTY})
     */
    static Set<Fault> check(RecommendRequest request, List<ScoredItem> answer, int catalogueSize, Predicate<String> known) {
        EnumSet<Fault> faults = EnumSet.noneOf(Fault.class);
        Set<String> seen = new HashSet<>();
        Set<String> history = request.excludeHistory() ? new HashSet<>(request.history()) : Set.of();
        float previous = Float.POSITIVE_INFINITY;
        for (ScoredItem s : answer) {
            if (!Float.isFinite(s.score())) {
                faults.add(Fault.NON_FINITE_SCORE);
            } else if (s.score() > previous) {
                faults.add(Fault.NOT_BEST_FIRST);
            }
            if (Float.isFinite(s.score())) {
                previous = s.score();
            }
            if (s.itemId() == null) {
                faults.add(Fault.NULL_ITEM);
                continue;
            }
            if (!seen.add(s.itemId())) {
                faults.add(Fault.DUPLICATE_ITEM);
            }
            if (history.contains(s.itemId())) {
                faults.add(Fault.HISTORY_ITEM);
            }
        }
        if (answer.size() > request.k()) {
            faults.add(Fault.TOO_MANY);
        }
        if (answer.size() < minimumSize(request, catalogueSize)) {
            faults.add(answer.isEmpty() && request.history().stream().noneMatch(known) ? Fault.COLD_EMPTY : Fault.TOO_FEW);
        }
        return faults;
    }

    /** k, unless the catalogue without the (excluded) history holds fewer items. */
    static int minimumSize(RecommendRequest request, int catalogueSize) {
        if (catalogueSize < 0) {
            return 0;
        }
        int excluded = request.excludeHistory() ? new HashSet<>(request.history()).size() : 0;
        return Math.max(0, Math.min(request.k(), catalogueSize - excluded));
    }

    /** The scores of {@code answer} that are NaN or infinite. */
    static int nonFiniteScores(List<ScoredItem> answer) {
        int n = 0;
        for (ScoredItem s : answer) {
            n += Float.isFinite(s.score()) ? 0 : 1;
        }
        return n;
    }
}
