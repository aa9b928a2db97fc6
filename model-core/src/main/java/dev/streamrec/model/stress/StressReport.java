package dev.streamrec.model.stress;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The stress table: per family, how many runs, how many crashed (fatal-error log), timed out or
 * failed otherwise, the training steps skipped for a non-finite loss or gradient (total, and runs
 * with any), the runs whose written weights hold NaN or infinity, and the wall time per run; then
 * the frame each crash blamed.
 */
final class StressReport {

    private final Map<StressFamily, List<ChildJvm.Outcome>> outcomes = new LinkedHashMap<>();
    private final List<String> crashes = new ArrayList<>();

    void add(StressFamily family, int run, long seed, ChildJvm.Outcome o) {
        outcomes.computeIfAbsent(family, f -> new ArrayList<>()).add(o);
        if (o.crashed()) {
            crashes.add(String.format(Locale.ROOT, "%s run %d (seed %d): exit %d, %s (%s)", family.id(), run, seed,
                    o.exitCode(), o.crashFrame().isEmpty() ? "no frame named" : o.crashFrame(), o.logFile().getParent()));
        }
    }

    /** Total crashes, timeouts, failures and runs with non-finite weights: 0 means a clean stress run. */
    int problems() {
        int n = 0;
        for (List<ChildJvm.Outcome> list : outcomes.values()) {
            for (ChildJvm.Outcome o : list) {
                if (o.crashed() || o.timedOut() || o.failed() || o.log().nonFiniteWeights() > 0) {
                    n++;
                }
            }
        }
        return n;
    }

    void print(PrintStream out) {
        out.printf(Locale.ROOT, "%-21s %4s %7s %8s %6s %8s %10s %9s %8s %8s%n", "family", "runs", "crashes",
                "timeouts", "failed", "skipped", "runs-skip", "nan-runs", "mean-s", "max-s");
        for (Map.Entry<StressFamily, List<ChildJvm.Outcome>> e : outcomes.entrySet()) {
            int crashed = 0;
            int timedOut = 0;
            int failed = 0;
            int skipped = 0;
            int runsSkipping = 0;
            int nanRuns = 0;
            double sum = 0;
            double max = 0;
            for (ChildJvm.Outcome o : e.getValue()) {
                crashed += o.crashed() ? 1 : 0;
                timedOut += o.timedOut() ? 1 : 0;
                failed += o.failed() ? 1 : 0;
                skipped += o.log().skippedSteps();
                runsSkipping += o.log().skippedSteps() > 0 ? 1 : 0;
                nanRuns += o.log().nonFiniteWeights() > 0 ? 1 : 0;
                sum += o.seconds();
                max = Math.max(max, o.seconds());
            }
            int n = e.getValue().size();
            out.printf(Locale.ROOT, "%-21s %4d %7d %8d %6d %8d %10d %9d %8.1f %8.1f%n", e.getKey().id(), n, crashed,
                    timedOut, failed, skipped, runsSkipping, nanRuns, sum / n, max);
        }
        crashes.forEach(c -> out.println("crash: " + c));
    }
}
