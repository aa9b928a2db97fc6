package dev.streamrec.model.kdsr;

/**
 * Whether a request's history goes on from what a state (or the user's previous event) was
 * computed over: the check that decides whether an event folds only itself in, shared by
 * {@link SasRecUserState#rowFor} (a cache's items) and {@link IncrementalSequenceRecommender} (the
 * previous event of the same user in a batch).
 */
final class KnownHistory {

    private KnownHistory() {}

    /**
     * Whether what the request knew before its own item ({@code known} without its last item when
     * {@code newestKnown}) ends as {@code before} ends: their last min(n, |before|) items agree
     * (the two may differ in their oldest items, as windows do). A non-empty history never
     * continues an empty one; an empty one continues anything (nothing can be checked).
     */
    static boolean continues(int[] before, int[] known, boolean newestKnown) {
        int n = known.length - (newestKnown ? 1 : 0);
        if (n > 0 && before.length == 0) {
            return false;
        }
        int m = Math.min(n, before.length);
        for (int i = 1; i <= m; i++) {
            if (known[n - i] != before[before.length - i]) {
                return false;
            }
        }
        return true;
    }
}
