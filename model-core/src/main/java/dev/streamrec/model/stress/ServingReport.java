package dev.streamrec.model.stress;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The serving stress table: per served model, the events and batches it answered, the versions
 * swapped in, non-finite scores, bad answers and exceptions, and (not a problem) the empty answers to
 * users the model knows no item of; then the run as a whole: whether the
 * child crashed (and the frame its fatal-error log blames), timed out or failed, how long it ran,
 * and its resident memory at the first progress report, the last and the largest; and when the run
 * fine-tuned in the serving JVM ({@link InJvmFineTuning}), its rounds per model, failed rounds,
 * rounds that wrote non-finite weights and the training steps skipped.
 */
final class ServingReport {

    private final ChildJvm.Outcome outcome;
    private final ServingLines.Parsed log;

    ServingReport(ChildJvm.Outcome outcome) {
        this.outcome = outcome;
        this.log = ServingLines.parse(outcome.lines());
    }

    /**
     * What went wrong: a crash, a timeout, a failed or unfinished child, every non-finite score, bad
     * answer and exception, and every failed fine-tuning round, round with non-finite weights and
     * skipped training step. 0 means a clean run.
     */
    long problems() {
        long n = (outcome.crashed() ? 1 : 0) + (outcome.timedOut() ? 1 : 0) + (outcome.failed() ? 1 : 0)
                + (log.finished() ? 0 : 1);
        for (ServingLines.Result r : log.results()) {
            n += r.nonFinite() + r.badAnswers() + r.exceptions();
        }
        if (log.fineTune() != null) {
            n += log.fineTune().failed() + log.fineTune().nonFiniteRounds();
        }
        return n + outcome.log().skippedSteps();
    }

    void print(PrintStream out) {
        out.printf(Locale.ROOT, "%-26s %9s %8s %6s %11s %12s %11s %11s%n", "model", "events", "batches", "swaps",
                "non-finite", "bad-answers", "exceptions", "cold-empty");
        for (ServingLines.Result r : log.results()) {
            out.printf(Locale.ROOT, "%-26s %9d %8d %6d %11d %12d %11d %11d%n", r.model(), r.events(), r.batches(),
                    r.swaps(), r.nonFinite(), r.badAnswers(), r.exceptions(), r.coldEmpty());
        }
        out.printf(Locale.ROOT, "crash: %s%n", outcome.crashed()
                ? (outcome.crashFrame().isEmpty() ? "yes, no frame named" : outcome.crashFrame()) + " (" + outcome.logFile().getParent() + ")"
                : "none");
        out.printf(Locale.ROOT, "timeout: %s, exit code %d%s%n", outcome.timedOut() ? "yes" : "no", outcome.exitCode(),
                log.finished() ? "" : ", no final result (see " + outcome.logFile() + ")");
        if (log.finished()) {
            out.printf(Locale.ROOT, "duration: %.1f s served (%.1f s with start-up), %d events in %d batches%n",
                    log.total().seconds(), outcome.seconds(), log.total().events(), log.total().batches());
        } else {
            out.printf(Locale.ROOT, "duration: %.1f s with start-up%n", outcome.seconds());
        }
        printFineTuning(out);
        if (log.progress().isEmpty()) {
            out.println("RSS: no progress report");
        } else {
            long max = log.progress().stream().mapToLong(ServingLines.Progress::rssMb).max().orElse(-1);
            ServingLines.Progress first = log.progress().get(0);
            ServingLines.Progress last = log.progress().get(log.progress().size() - 1);
            out.printf(Locale.ROOT, "RSS: first report %d MB (%.0f s), last %d MB (%.0f s), max %d MB%n", first.rssMb(),
                    first.elapsedSeconds(), last.rssMb(), last.elapsedSeconds(), max);
        }
    }

    private void printFineTuning(PrintStream out) {
        if (log.fineTune() == null && log.rounds().isEmpty()) {
            return;
        }
        Map<String, Long> perModel = new TreeMap<>();
        log.rounds().forEach(r -> perModel.merge(r.model(), 1L, Long::sum));
        ServingLines.FineTuneTotal t = log.fineTune();
        out.printf(Locale.ROOT, "fine-tuning in the serving JVM: %s rounds %s, %s failed, %s with non-finite weights, "
                + "%d training steps skipped%s%n", t == null ? log.rounds().size() : t.rounds(), perModel,
                t == null ? "?" : t.failed(), t == null ? "?" : t.nonFiniteRounds(), outcome.log().skippedSteps(),
                t == null ? "" : String.format(Locale.ROOT, ", %.0f s of training", t.seconds()));
    }
}
