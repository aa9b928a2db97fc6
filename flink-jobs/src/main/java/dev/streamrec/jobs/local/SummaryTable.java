package dev.streamrec.jobs.local;

import dev.streamrec.schema.event.EvalMetrics;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the closing table of a local run: volumes, throughput, latency (end to end and the job's
 * own processing) and prequential quality per model over the whole replay and, with a training cut,
 * over the events from the cut on, the ones no model trained here has seen.
 */
final class SummaryTable {

    private SummaryTable() {}

    /**
     * {@code latencyNote} says what end-to-end latency includes here (delivery, replay rate);
     * {@code cut} is null without a training cut.
     */
    static void print(PrintStream out, String title, ReplayRun.Result r, String latencyNote, ReplayCut cut) {
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
            out.printf(Locale.ROOT, "%-24s %,d ms / %,d ms  (replay's write to Kafka until visible to a reader; %s)%n",
                    "end-to-end p50 / p99", r.p50(), r.p99(), latencyNote);
        } else {
            out.printf(Locale.ROOT, "%-24s - (no predictions)%n", "end-to-end p50 / p99");
        }
        if (r.processingP50() >= 0) {
            out.printf(Locale.ROOT, "%-24s %,d ms / %,d ms  (the job's source reading the event until the prediction"
                    + " is emitted: no wait in Kafka, no commit)%n", "processing p50 / p99", r.processingP50(),
                    r.processingP99());
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
        out.println("(prequential over the whole replay: each prediction scored against the user's next event;"
                + " MRR over the top-K list)");
        if (cut != null) {
            printAfterCut(out, r.eval(), r.afterCut(), cut);
        }
    }

    /** Every model's metrics over the events from the cut on, beside its whole-replay HR@10 and NDCG@10. */
    private static void printAfterCut(PrintStream out, Map<String, EvalMetrics> whole, Map<String, EvalMetrics> afterCut,
            ReplayCut cut) {
        out.println();
        out.println("after the training cut: " + cut.describe());
        out.printf(Locale.ROOT, "%-14s %-28s %10s %8s %8s | whole %8s %8s%n",
                "model", "version", "evaluated", "HR@10", "NDCG@10", "HR@10", "NDCG@10");
        for (Map.Entry<String, EvalMetrics> e : whole.entrySet()) {
            EvalMetrics all = e.getValue();
            EvalMetrics after = afterCut.get(e.getKey());
            String unseen = after == null ? String.format(Locale.ROOT, "%10d %8s %8s", 0, "-", "-")
                    : String.format(Locale.ROOT, "%,10d %8.4f %8.4f", after.count,
                            after.metrics.getOrDefault("HR@10", 0.0), after.metrics.getOrDefault("NDCG@10", 0.0));
            out.printf(Locale.ROOT, "%-14s %-28s %s |       %8.4f %8.4f%n", all.model, truncate(all.modelVersion, 28), unseen,
                    all.metrics.getOrDefault("HR@10", 0.0), all.metrics.getOrDefault("NDCG@10", 0.0));
        }
        out.println("(the same prequential scores, counting only the events at or after the cut: models trained here"
                + " never saw them, so trained models and online baselines are compared on the same unseen events)");
    }

    private static String truncate(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "~";
    }
}
