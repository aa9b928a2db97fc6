package dev.streamrec.jobs.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * The newest windows of one series the champion comparison pairs (the champion's, all its versions
 * together, or one challenger version's), at most a bound, oldest first: a window put again
 * replaces the one with the same start, and once more than the bound are kept the oldest go. POJO
 * (keyed state of {@link ChampionComparisonFunction}); the logic is plain Java, tested alone.
 */
public class ComparedWindows {

    /** Oldest first, distinct window starts. */
    public List<WindowScore> windows = new ArrayList<>();

    public ComparedWindows() {}

    /** Keeps {@code w} in its place by start (replacing a window of the same start), then at most {@code max} windows. */
    public void put(WindowScore w, int max) {
        int i = windows.size();
        while (i > 0 && windows.get(i - 1).windowStart > w.windowStart) {
            i--;
        }
        if (i > 0 && windows.get(i - 1).windowStart == w.windowStart) {
            windows.set(i - 1, w);
        } else {
            windows.add(i, w);
        }
        if (windows.size() > max) {
            windows.subList(0, windows.size() - max).clear();
        }
    }

    /** The window starting at {@code start}, or null. */
    public WindowScore at(long start) {
        for (int i = windows.size() - 1; i >= 0; i--) {
            if (windows.get(i).windowStart == start) {
                return windows.get(i);
            }
        }
        return null;
    }

    /** The start of the newest window kept (Long.MIN_VALUE when none). */
    public long newestStart() {
        return windows.isEmpty() ? Long.MIN_VALUE : windows.get(windows.size() - 1).windowStart;
    }

    /** The start of the oldest window kept (Long.MIN_VALUE when none). */
    public long oldestStart() {
        return windows.isEmpty() ? Long.MIN_VALUE : windows.get(0).windowStart;
    }

    /**
     * The challenger's windows ({@code this}) with the champion's of the same start, newest first,
     * at most {@code max} pairs: {challenger, champion} each.
     */
    public List<WindowScore[]> pairedWith(ComparedWindows champion, int max) {
        List<WindowScore[]> pairs = new ArrayList<>();
        for (int i = windows.size() - 1; i >= 0 && pairs.size() < max; i--) {
            WindowScore c = champion.at(windows.get(i).windowStart);
            if (c != null) {
                pairs.add(new WindowScore[] {windows.get(i), c});
            }
        }
        return pairs;
    }
}
