package dev.streamrec.model.metrics;

import java.util.Arrays;

/**
 * Exact top-K selection over a score array with a size-K min-heap: O(n log K), no sort of the whole
 * catalogue. Ties go to the lower index, matching {@link RankingMetrics#rankOf}.
 */
public final class TopK {

    private TopK() {}

    /**
     * The indices of the K best scores, best first. Entries flagged in {@code excluded} (may be
     * null) and indices below {@code from} (for example the padding row 0) are skipped.
     */
    public static int[] select(float[] scores, int k, boolean[] excluded, int from) {
        int[] heap = new int[Math.max(0, k)];
        int size = 0;
        // The heap's worst score: a later index beats a heap entry only with a strictly higher
        // score (ties go to the lower index, which is already in the heap).
        float worst = Float.NEGATIVE_INFINITY;
        for (int i = from; i < scores.length; i++) {
            if (excluded != null && i < excluded.length && excluded[i]) {
                continue;
            }
            if (size < k) {
                heap[size] = i;
                siftUp(heap, size++, scores);
                worst = scores[heap[0]];
            } else if (k > 0 && scores[i] > worst) {
                heap[0] = i;
                siftDown(heap, size, scores);
                worst = scores[heap[0]];
            }
        }
        int[] out = Arrays.copyOf(heap, size);
        // Heap holds the worst on top; pop into best-first order.
        for (int n = size; n > 1; n--) {
            int top = out[0];
            out[0] = out[n - 1];
            out[n - 1] = top;
            siftDown(out, n - 1, scores);
        }
        return out;
    }

    /** True when a ranks ahead of b. */
    private static boolean better(int a, int b, float[] s) {
        return s[a] > s[b] || (s[a] == s[b] && a < b);
    }

    private static void siftUp(int[] h, int i, float[] s) {
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (better(h[p], h[i], s)) {
                swap(h, p, i);
                i = p;
            } else {
                return;
            }
        }
    }

    private static void siftDown(int[] h, int n, float[] s) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            int r = l + 1;
            int worst = i;
            if (l < n && better(h[worst], h[l], s)) {
                worst = l;
            }
            if (r < n && better(h[worst], h[r], s)) {
                worst = r;
            }
            if (worst == i) {
                return;
            }
            swap(h, i, worst);
            i = worst;
        }
    }

    private static void swap(int[] h, int a, int b) {
        int t = h[a];
        h[a] = h[b];
        h[b] = t;
    }
}
