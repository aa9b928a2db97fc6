package dev.streamrec.model.missrec;

import dev.streamrec.model.data.LeaveOneOutSplit;
import dev.streamrec.model.data.SequenceDataset;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A cold-start evaluation split: a random fraction of the items is held out and never occurs in
 * training. Each user's sequence loses its held-out items; a user whose sequence reaches a held-out
 * item (after at least two kept items) gets one test case: the kept items before it → that new item,
 * and the user's training data stops there (no future leaks into training). Validation is the
 * leave-one-out last kept item of every user (warm items), so model selection never sees a new item.
 */
public final class ColdStartSplit {

    private final Set<Integer> heldOut = new HashSet<>();
    private final List<int[]> train = new ArrayList<>();
    private final List<LeaveOneOutSplit.Case> validation = new ArrayList<>();
    private final List<LeaveOneOutSplit.Case> test = new ArrayList<>();

    public ColdStartSplit(SequenceDataset data, double fraction, long seed) {
        Random random = new Random(seed);
        for (int i = 1; i <= data.items().size(); i++) {
            if (random.nextDouble() < fraction) {
                heldOut.add(i);
            }
        }
        for (int u = 0; u < data.numUsers(); u++) {
            int[] s = data.sequence(u);
            int[] kept = new int[s.length];
            int n = 0;
            int coldTarget = 0;
            for (int item : s) {
                if (!heldOut.contains(item)) {
                    kept[n++] = item;
                } else if (n >= 2) {
                    coldTarget = item;
                    break;
                }
            }
            kept = Arrays.copyOf(kept, n);
            if (coldTarget != 0) {
                test.add(new LeaveOneOutSplit.Case(u, kept, coldTarget));
            }
            if (n >= 2) {
                int[] head = Arrays.copyOf(kept, n - 1);
                train.add(head);
                validation.add(new LeaveOneOutSplit.Case(u, head, kept[n - 1]));
            } else {
                train.add(kept);
            }
        }
    }

    /** The held-out (new) items. */
    public Set<Integer> heldOut() {
        return heldOut;
    }

    public List<int[]> train() {
        return train;
    }

    public List<LeaveOneOutSplit.Case> validation() {
        return validation;
    }

    /** Test cases whose target is a new item. */
    public List<LeaveOneOutSplit.Case> test() {
        return test;
    }
}
