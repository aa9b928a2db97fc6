package dev.streamrec.jobs.finetune;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** Prints the fine-tuning rounds of a run: cost per round and the validation that decided it. */
public final class FineTuneReport {

    private FineTuneReport() {}

    public static void print(PrintStream out, List<FineTuneLoop.Round> rounds) {
        out.println();
        out.println("== fine-tuning rounds ==");
        out.printf(Locale.ROOT, "%-36s %10s %8s %12s %12s %10s %9s%n", "version", "trained on", "held out",
                "NDCG@10 old", "NDCG@10 new", "decision", "seconds");
        for (FineTuneLoop.Round r : rounds) {
            out.printf(Locale.ROOT, "%-36s %,10d %,8d %12.4f %12.4f %10s %9.1f%n", r.version(), r.trainEvents(),
                    r.heldOut(), r.servingNdcg10(), r.candidateNdcg10(), r.published() ? "published" : "rejected",
                    r.seconds());
        }
        if (rounds.isEmpty()) {
            out.println("(no round completed)");
        }
    }
}
