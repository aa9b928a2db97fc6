package dev.streamrec.model.missrec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The (history → next item) training rows of MISSRec's protocol (UniSRec/RecBole): every prefix of
 * every training sequence, the history truncated to the last {@code maxLen} items. Stored as
 * (sequence, end) pairs; histories are materialised per batch.
 */
final class TrainingExamples {

    private final List<int[]> sequences;
    private final int maxLen;
    private final int[] sequence;
    private final int[] end;

    TrainingExamples(List<int[]> sequences, int maxLen) {
        this.sequences = sequences;
        this.maxLen = maxLen;
        List<int[]> pairs = new ArrayList<>();
        for (int s = 0; s < sequences.size(); s++) {
            for (int t = 1; t < sequences.get(s).length; t++) {
                pairs.add(new int[] {s, t});
            }
        }
        this.sequence = pairs.stream().mapToInt(p -> p[0]).toArray();
        this.end = pairs.stream().mapToInt(p -> p[1]).toArray();
    }

    int size() {
        return sequence.length;
    }

    int[] history(int row) {
        int[] s = sequences.get(sequence[row]);
        return Arrays.copyOfRange(s, Math.max(0, end[row] - maxLen), end[row]);
    }

    int target(int row) {
        return sequences.get(sequence[row])[end[row]];
    }

    /**
     * MISSRec's item-drop augmentation: every item but the first is dropped with probability p and
     * the sequence is compacted (the released code's second view; features stay aligned here, see
     * pitfall 4 of the notes).
     */
    static int[] itemDrop(int[] history, float p, Random random) {
        int[] out = new int[history.length];
        int n = 0;
        for (int i = 0; i < history.length; i++) {
            if (i == 0 || random.nextFloat() >= p) {
                out[n++] = history[i];
            }
        }
        return Arrays.copyOf(out, n);
    }
}
