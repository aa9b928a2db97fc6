package dev.streamrec.model.bm3;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Multi-target full-ranking metrics as in MMRec (BM3 §2.6): per user, the items of the mask are
 * excluded, the top K of the rest are compared with the user's target set; Recall@K = hits / |targets|,
 * NDCG@K with binary relevance; both averaged over users that have targets. K = 10 and 20.
 */
public final class Bm3Metrics {

    /** Cut-offs reported. */
    public static final int[] KS = {10, 20};

    private final double[] recall = new double[KS.length];
    private final double[] ndcg = new double[KS.length];
    private int users;

    /** Adds one user: {@code scores} over all item rows, {@code mask} rows excluded, {@code targets} relevant rows. */
    public void add(float[] scores, int[] mask, int[] targets) {
        if (targets.length == 0) {
            return;
        }
        int maxK = KS[KS.length - 1];
        int[] top = topK(scores, mask, maxK);
        java.util.Set<Integer> relevant = new java.util.HashSet<>();
        for (int t : targets) {
            relevant.add(t);
        }
        for (int k = 0; k < KS.length; k++) {
            int hits = 0;
            double dcg = 0;
            double idcg = 0;
            for (int r = 0; r < Math.min(KS[k], top.length); r++) {
                if (relevant.contains(top[r])) {
                    hits++;
                    dcg += 1.0 / log2(r + 2);
                }
            }
            for (int r = 0; r < Math.min(KS[k], relevant.size()); r++) {
                idcg += 1.0 / log2(r + 2);
            }
            recall[k] += (double) hits / relevant.size();
            ndcg[k] += dcg / idcg;
        }
        users++;
    }

    /** {@code recall@10, ndcg@10, recall@20, ndcg@20} averaged over users. */
    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int k = 0; k < KS.length; k++) {
            m.put("recall@" + KS[k], users == 0 ? 0 : recall[k] / users);
            m.put("ndcg@" + KS[k], users == 0 ? 0 : ndcg[k] / users);
        }
        return m;
    }

    public int users() {
        return users;
    }

    /** The best {@code k} rows (best first) not in {@code mask}; ties go to the lower row. */
    static int[] topK(float[] scores, int[] mask, int k) {
        float[] s = scores.clone();
        for (int m : mask) {
            s[m] = Float.NEGATIVE_INFINITY;
        }
        int n = Math.min(k, s.length);
        int[] best = new int[n];
        int size = 0;
        for (int i = 0; i < s.length; i++) {
            if (size == n && !(s[i] > s[best[n - 1]])) {
                continue;
            }
            int pos = size < n ? size++ : n - 1;
            while (pos > 0 && s[i] > s[best[pos - 1]]) {
                best[pos] = best[pos - 1];
                pos--;
            }
            best[pos] = i;
        }
        return best;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
