package dev.streamrec.model.bm3;

import java.util.Arrays;
import java.util.Map;

/**
 * Full-ranking evaluation of scoring tables on a split (BM3 §2.6): training items masked; on
 * validation the targets are the validation items, on test the test items (validation items are
 * not masked at test time, as in MMRec).
 */
public final class Bm3Evaluation {

    private static final int USER_BLOCK = 1024;

    private Bm3Evaluation() {}

    /** Metrics on validation ({@code test = false}) or test. */
    public static Map<String, Double> evaluate(Bm3Scorer scorer, Bm3Split split, boolean test) {
        Bm3Metrics metrics = new Bm3Metrics();
        int users = split.userCount();
        for (int from = 0; from < users; from += USER_BLOCK) {
            int to = Math.min(users, from + USER_BLOCK);
            int[] rows = java.util.stream.IntStream.range(from, to).toArray();
            float[][] scores = scorer.score(rows);
            for (int b = 0; b < rows.length; b++) {
                int u = rows[b];
                metrics.add(scores[b], split.train()[u], test ? split.test()[u] : split.valid()[u]);
            }
        }
        return metrics.asMap();
    }

    static String format(Map<String, Double> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(k).append(' ').append(String.format(java.util.Locale.ROOT, "%.4f", v)).append("  "));
        return sb.toString().trim();
    }

    static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
