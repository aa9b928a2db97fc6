package dev.streamrec.model.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The chronological leave-one-out split of sequential recommendation: per user the last item is the
 * test target, the second-last the validation target, the rest is training. Users with fewer than
 * three items contribute training data only. Deterministic: it depends only on the sequences.
 */
public final class LeaveOneOutSplit {

    /** One evaluation case: the history (oldest first) and the item that followed it. */
    public record Case(int user, int[] history, int target) {}

    private final SequenceDataset data;
    private final List<int[]> train = new ArrayList<>();
    private final List<Case> validation = new ArrayList<>();
    private final List<Case> test = new ArrayList<>();

    public LeaveOneOutSplit(SequenceDataset data) {
        this.data = data;
        for (int u = 0; u < data.numUsers(); u++) {
            int[] s = data.sequence(u);
            if (s.length < 3) {
                train.add(s);
                continue;
            }
            int n = s.length;
            train.add(Arrays.copyOf(s, n - 2));
            validation.add(new Case(u, Arrays.copyOf(s, n - 2), s[n - 2]));
            test.add(new Case(u, Arrays.copyOf(s, n - 1), s[n - 1]));
        }
    }

    public SequenceDataset data() {
        return data;
    }

    /** Training sequences, one per user (index = user), oldest first. */
    public List<int[]> train() {
        return train;
    }

    public List<Case> validation() {
        return validation;
    }

    public List<Case> test() {
        return test;
    }
}
