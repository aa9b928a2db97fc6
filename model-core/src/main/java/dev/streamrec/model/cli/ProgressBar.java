package dev.streamrec.model.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line terminal progress bar with its rate (units per second), a free-text status (loss,
 * metrics) and an ETA. Redraws at
 * most every 200 ms; when the output is not a terminal it prints a plain line every 10%.
 */
public final class ProgressBar {

    private final PrintStream out;
    private final String label;
    private final long total;
    private final long start = System.nanoTime();
    private final boolean terminal = System.console() != null;
    private long lastDraw;
    private int lastDecile = -1;
    private long done;

    public ProgressBar(String label, long total) {
        this(System.err, label, total);
    }

    public ProgressBar(PrintStream out, String label, long total) {
        this.out = out;
        this.label = label;
        this.total = Math.max(1, total);
    }

    /** Advances to {@code done} units with a status text such as {@code loss 3.21}. */
    public void update(long done, String status) {
        this.done = done;
        long now = System.nanoTime();
        int decile = (int) (10 * Math.min(done, total) / total);
        if (terminal) {
            if (now - lastDraw < 200_000_000L && done < total) {
                return;
            }
            lastDraw = now;
            out.print("\r" + render(now, status));
            out.flush();
        } else if (decile != lastDecile) {
            lastDecile = decile;
            out.println(render(now, status));
        }
    }

    /** Completes the bar (one final line). */
    public void finish(String status) {
        update(total, status);
        if (terminal) {
            out.println();
        }
    }

    /** Ends the bar where it stands, for work that stopped early (one final line). */
    public void stop(String status) {
        String line = render(System.nanoTime(), status);
        if (terminal) {
            out.print("\r" + line);
            out.println();
        } else {
            out.println(line);
        }
    }

    String render(long now, String status) {
        double frac = Math.min(1.0, (double) done / total);
        int width = 30;
        int filled = (int) Math.round(frac * width);
        double elapsed = (now - start) / 1e9;
        double eta = frac > 0 ? elapsed * (1 - frac) / frac : Double.NaN;
        return String.format(
                Locale.ROOT,
                "%s [%s%s] %3.0f%% %d/%d %.1f it/s %s elapsed %s eta %s",
                label,
                "#".repeat(filled),
                ".".repeat(width - filled),
                100 * frac,
                done,
                total,
                elapsed > 0 ? done / elapsed : 0.0,
                status == null ? "" : status,
                formatSeconds(elapsed),
                Double.isNaN(eta) ? "?" : formatSeconds(eta));
    }

    static String formatSeconds(double s) {
        long t = Math.round(s);
        return t >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, (t / 60) % 60, t % 60)
                : String.format(Locale.ROOT, "%d:%02d", t / 60, t % 60);
    }
}
