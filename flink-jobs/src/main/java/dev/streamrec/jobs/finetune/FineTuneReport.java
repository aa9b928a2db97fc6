package dev.streamrec.jobs.finetune;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** Prints the fine-tuning rounds of a run: cost per round and the validation that decided it, then totals. */
public final class FineTuneReport {

    private FineTuneReport() {}

    public static void print(PrintStream out, List<FineTuneLoop.Round> rounds) {
        out.println();
        out.println("== fine-tuning rounds ==");
        out.printf(Locale.ROOT, "%-36s %10s %8s %9s %12s %12s %10s %9s%n", "version", "trained on", "held out",
                "new items", "NDCG@10 old", "NDCG@10 new", "decision", "seconds");
        for (FineTuneLoop.Round r : rounds) {
            out.printf(Locale.ROOT, "%-36s %,10d %,8d %,9d %12.4f %12.4f %10s %9.1f%n", r.version(), r.trainEvents(),
                    r.heldOut(), r.newItems(), r.servingNdcg10(), r.candidateNdcg10(),
                    r.decision(), r.seconds());
        }
        if (rounds.isEmpty()) {
            out.println("(no round completed)");
            return;
        }
        out.printf(Locale.ROOT, "%d rounds: %d published, %d rejected, %d failed; %.1f s and %,.0f training events per round on average%n",
                rounds.size(), count(rounds, "published"), count(rounds, "rejected"), count(rounds, "failed"),
                rounds.stream().mapToDouble(FineTuneLoop.Round::seconds).average().orElse(0),
                rounds.stream().mapToInt(FineTuneLoop.Round::trainEvents).average().orElse(0));
    }

    private static long count(List<FineTuneLoop.Round> rounds, String decision) {
        return rounds.stream().filter(r -> r.decision().equals(decision)).count();
    }
}
