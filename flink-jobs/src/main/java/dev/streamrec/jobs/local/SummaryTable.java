package dev.streamrec.jobs.local;

import dev.streamrec.schema.event.EvalMetrics;

import java.io.PrintStream;
import java.util.Locale;

/** Prints the closing table of a local run: volumes, throughput, latency and quality per model. */
final class SummaryTable {

    private SummaryTable() {}

    static void print(PrintStream out, String title, ReplayRun.Result r, String latencyNote) {
        long eventsIn = r.events();
        long deadLetters = r.deadLetters();
        double seconds = r.seconds();
        out.println();
        out.println("== " + title + " ==");
        out.printf(Locale.ROOT, "%-24s %,d%n", "events in", eventsIn);
        out.printf(Locale.ROOT, "%-24s %,d%n", "predictions out", r.predictions());
        out.printf(Locale.ROOT, "%-24s %,d%n", "dead letters", deadLetters);
        out.printf(Locale.ROOT, "%-24s %,.0f events/s (%,d accepted events in %.1f s)%n", "throughput",
                seconds > 0 ? (eventsIn - deadLetters) / seconds : 0.0, eventsIn - deadLetters, seconds);
        if (r.predictions() > 0) {
            out.printf(Locale.ROOT, "%-24s %,d ms / %,d ms  (%s)%n", "latency p50 / p99", r.p50(), r.p99(), latencyNote);
        } else {
            out.printf(Locale.ROOT, "%-24s - (no predictions)%n", "latency p50 / p99");
        }
        out.println();
        out.printf(Locale.ROOT, "%-14s %-28s %10s %8s %8s %8s %8s %8s%n",
                "model", "version", "evaluated", "HR@10", "NDCG@10", "HR@20", "NDCG@20", "MRR");
        for (EvalMetrics m : r.eval().values()) {
            out.printf(Locale.ROOT, "%-14s %-28s %,10d %8.4f %8.4f %8.4f %8.4f %8.4f%n",
                    m.model, truncate(m.modelVersion, 28), m.count,
                    m.metrics.getOrDefault("HR@10", 0.0), m.metrics.getOrDefault("NDCG@10", 0.0),
                    m.metrics.getOrDefault("HR@20", 0.0), m.metrics.getOrDefault("NDCG@20", 0.0),
                    m.metrics.getOrDefault("MRR", 0.0));
        }
        out.println("(prequential: each prediction scored against the user's next event; MRR over the top-K list)");
    }

    private static String truncate(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "~";
    }
}
