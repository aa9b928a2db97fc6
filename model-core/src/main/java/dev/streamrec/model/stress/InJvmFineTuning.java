package dev.streamrec.model.stress;

import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.cli.FineTuneCommand;
import dev.streamrec.model.cli.ModelFamilies;
import dev.streamrec.model.data.Interaction;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Streaming fine-tuning rounds run inside the serving JVM, beside the scoring threads: issue 26 asks
 * whether the stream job still needs to run each round in a child JVM ({@code IsolatedFineTuning}),
 * which it does because training beside inference in one process once produced NaN weights. Every
 * interval one round starts on a trainer thread (never two at once), for the next served family in
 * turn that fine-tunes, from that family's version a, on the last replayed events as its window, and
 * writes a new artifact (the next round starts an interval after one started, or once it ended); the written weights are counted for non-finite values. A round that throws
 * is a failed round; a family without streaming fine-tuning is dropped from the turn. The training
 * engine's "steps skipped" lines go to this JVM's output, where the parent counts them. The round's
 * lines are {@link ServingLines#fineTuneRound} and, at the end, {@link ServingLines#fineTuneTotal}.
 */
final class InJvmFineTuning implements AutoCloseable {

    /** A family to fine-tune: its served name and the artifact every round starts from. */
    record Target(String name, Path artifact) {}

    /** What a finished round reports. */
    private record Round(Target target, int number, double seconds, long nonFinite, long checked) {}

    private final Duration every;
    private final List<Target> targets;
    private final Path outputDir;
    private final PrintStream out;
    private final ExecutorService trainer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "stress-trainer");
        t.setDaemon(true);
        return t;
    });
    private Future<Round> running;
    private int turn;
    private int started;
    private long rounds;
    private long failed;
    private long nonFiniteRounds;
    private double seconds;

    /**
     * @param every how often a round starts (when the last one has finished)
     * @param outputDir where the rounds write their artifacts (one directory per round)
     */
    InJvmFineTuning(Duration every, List<Target> targets, Path outputDir, PrintStream out) {
        this.every = every;
        this.targets = new ArrayList<>(targets);
        this.outputDir = outputDir;
        this.out = out;
    }

    Duration every() {
        return every;
    }

    /** Whether a round may start: none is running and a family is left. */
    boolean ready() {
        return running == null && !targets.isEmpty();
    }

    /**
     * Starts a round on {@code window} for the next family, unless it is not {@link #ready()}. The
     * trainer thread reads {@code window} while the caller goes on: hand it a list nobody changes.
     */
    void start(List<Interaction> window) {
        if (!ready() || window.isEmpty()) {
            return;
        }
        Target target = targets.get(turn++ % targets.size());
        int number = ++started;
        running = trainer.submit(() -> round(target, number, window));
    }

    private Round round(Target target, int number, List<Interaction> window) throws Exception {
        long t0 = System.nanoTime();
        ModelArtifact current = ModelArtifact.load(target.artifact());
        ModelArtifact tuned = ModelFamilies.forModel(current.model()).fineTune(current, window, "tuned-" + number,
                outputDir.resolve(target.name().replace('/', '-') + "-" + number),
                FineTuneCommand.roundOptions(current).parse(List.of()));
        ArtifactWeights.Count weights = ArtifactWeights.count(tuned);
        return new Round(target, number, (System.nanoTime() - t0) / 1e9, weights.nonFinite(), weights.checked());
    }

    /** Between batches: counts a finished round and prints its line. */
    void collect() throws InterruptedException {
        if (running == null || !running.isDone()) {
            return;
        }
        Future<Round> done = running;
        running = null;
        try {
            report(done.get());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnsupportedOperationException unsupported) {
                Target dropped = targets.remove((turn - 1) % targets.size());
                out.println("stress-serving: " + dropped.name() + " is not fine-tuned here: " + unsupported.getMessage());
                return;
            }
            rounds++;
            failed++;
            out.println("stress-fault fine-tuning: a round failed: " + e.getCause());
            e.getCause().printStackTrace(out);
        }
    }

    private void report(Round r) {
        rounds++;
        seconds += r.seconds();
        if (r.nonFinite() > 0) {
            nonFiniteRounds++;
        }
        out.println(ServingLines.fineTuneRound(new ServingLines.FineTuneRound(r.target().name(), r.number(), r.seconds(),
                r.nonFinite(), r.checked())));
        out.flush();
    }

    /** The totals so far. */
    ServingLines.FineTuneTotal total() {
        return new ServingLines.FineTuneTotal(rounds, failed, nonFiniteRounds, seconds);
    }

    /** Waits for a running round (training does not stop half-way) and stops the trainer thread. */
    @Override
    public void close() throws InterruptedException {
        trainer.shutdown();
        if (trainer.awaitTermination(15, TimeUnit.MINUTES)) {
            collect();
        } else {
            trainer.shutdownNow();
        }
    }
}
