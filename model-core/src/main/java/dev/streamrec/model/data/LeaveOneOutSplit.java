package dev.streamrec.model.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The chronological leave-one-out split of sequential recommendation: per user the last item is the
 * test target, the {@code validationTargets} items before it are validation targets (each its own
 * case, with the items before it as history), the rest is training. With one validation target
 * (the classic split of SASRec and KDSR) the second-last item validates; more targets give early
 * stopping more cases to select on, at the cost of as many fewer training items per user. A user
 * with n ≥ 3 items has min(validationTargets, n − 2) validation targets, so at least one training
 * item remains; users with fewer than three items contribute training data only. The test cases do
 * not depend on {@code validationTargets}. Deterministic: it depends only on the sequences.
 */
public final class LeaveOneOutSplit {

    /** One evaluation case: the history (oldest first) and the item that followed it. */
    public record Case(int user, int[] history, int target) {}

    private final SequenceDataset data;
    private final int validationTargets;
    private final List<int[]> train = new ArrayList<>();
    private final List<Case> validation = new ArrayList<>();
    private final List<Case> test = new ArrayList<>();

    /** The classic split: one validation target per user. */
    public LeaveOneOutSplit(SequenceDataset data) {
        this(data, 1);
    }

    public LeaveOneOutSplit(SequenceDataset data, int validationTargets) {
        if (validationTargets < 1) {
            throw new IllegalArgumentException("validation targets must be at least 1, not " + validationTargets);
        }
        this.data = data;
        this.validationTargets = validationTargets;
        for (int u = 0; u < data.numUsers(); u++) {
            int[] s = data.sequence(u);
            if (s.length < 3) {
                train.add(s);
                continue;
            }
            int n = s.length;
            int firstValidation = n - 1 - Math.min(validationTargets, n - 2);
            train.add(Arrays.copyOf(s, firstValidation));
            for (int p = firstValidation; p < n - 1; p++) {
                validation.add(new Case(u, Arrays.copyOf(s, p), s[p]));
            }
            test.add(new Case(u, Arrays.copyOf(s, n - 1), s[n - 1]));
        }
    }

    public SequenceDataset data() {
        return data;
    }

    /** The most validation targets a user gets. */
    public int validationTargets() {
        return validationTargets;
    }

    /** Training sequences, one per user (index = user), oldest first. */
    public List<int[]> train() {
        return train;
    }

    /** Validation cases, by user and, within a user, oldest target first. */
    public List<Case> validation() {
        return validation;
    }

    /** Test cases: one per user with at least three items, the last item as target. */
    public List<Case> test() {
        return test;
    }
}
