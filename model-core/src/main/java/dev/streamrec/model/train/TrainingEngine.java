package dev.streamrec.model.train;

import ai.djl.engine.Engine;
import dev.streamrec.model.cli.ProgressBar;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The training loop every model family runs ({@link TrainingTask} says what to train): seeded
 * shuffled mini-batches (of similar lengths with {@link LengthBuckets}), one {@link AdamW} step each
 * at the {@link LearningRateSchedule}'s rate, a budget in epochs, optimiser steps and wall-clock
 * time (the first reached stops), a validation every {@code evalEvery} steps or once per epoch,
 * early stopping whose patience counts validations, and the best validation's weights restored at
 * the end (with {@code --ema-decay}, the weights' moving average is what is validated and restored:
 * {@link WeightAverage}). A step whose loss or gradient is not finite is not applied and counted;
 * {@value #MAX_CONSECUTIVE_SKIPS} in a row end the run as diverged. A progress bar per epoch shows
 * steps/s, loss, rate and ETA; each validation prints one log line.
 */
public final class TrainingEngine {

    static final int MAX_CONSECUTIVE_SKIPS = 10;
    static final String DIVERGED = "diverged";

    private final String name;
    private final TrainingOptions options;
    private final PrintStream log;

    public TrainingEngine(String name, TrainingOptions options) {
        this(name, options, System.err);
    }

    public TrainingEngine(String name, TrainingOptions options, PrintStream log) {
        this.name = name;
        this.options = options;
        this.log = log;
    }

    /** Trains {@code task} in place; on return its parameters hold the selected weights. */
    public TrainingResult run(TrainingTask task) {
        TrainingOptions o = options;
        Engine.getInstance().setRandomSeed((int) o.seed());
        Random random = new Random(o.seed());
        int examples = task.examples();
        if (examples < 1) {
            throw new IllegalArgumentException(name + ": no training example");
        }
        int perEpoch = o.examplesPerEpoch() > 0 ? Math.min(examples, o.examplesPerEpoch()) : examples;
        int batchesPerEpoch = (perEpoch + o.batchSize() - 1) / o.batchSize();
        long planned = (long) o.epochs() * batchesPerEpoch;
        if (o.maxSteps() > 0) {
            planned = Math.min(planned, o.maxSteps());
        }
        LearningRateSchedule schedule = LearningRateSchedule.of(o, planned);
        int[] lengths = o.lengthBuckets() ? task.exampleLengths() : null;
        if (o.lengthBuckets() && lengths == null) {
            throw new IllegalArgumentException("--length-buckets: " + name + " has no example lengths to bucket by");
        }
        Run run = new Run(task, System.nanoTime());
        try (AdamW optimiser = new AdamW(task.parameters(), o.weightDecay(), o.clipNorm(), o.beta2());
                WeightAverage average = o.emaDecay() > 0 ? new WeightAverage(task.parameters(), o.emaDecay()) : null) {
            run.optimiser = optimiser;
            run.average = average;
            for (int epoch = 1; epoch <= o.epochs() && run.stop == null; epoch++) {
                run.epoch = epoch;
                task.beginEpoch(epoch);
                int[] order = Arrays.copyOf(Shuffle.permutation(examples, random), perEpoch);
                int[][] batches = lengths == null ? LengthBuckets.consecutive(order, o.batchSize())
                        : LengthBuckets.batches(order, lengths, o.batchSize(), random);
                ProgressBar bar = o.progress()
                        ? new ProgressBar(String.format(Locale.ROOT, "%s epoch %d/%d", name, epoch, o.epochs()), batches.length)
                        : null;
                double epochSum = 0;
                int epochSteps = 0;
                for (int b = 0; b < batches.length && run.stop == null; b++) {
                    int[] batch = batches[b];
                    float lr = schedule.at(run.steps);
                    run.lr = lr;
                    long stepStart = System.nanoTime();
                    float loss = task.forwardBackward(batch, random);
                    boolean applied;
                    if (Float.isFinite(loss)) {
                        applied = optimiser.step(lr);
                        if (applied && average != null) {
                            average.update(); // part of the step's time
                        }
                    } else {
                        optimiser.clearGradients();
                        applied = false;
                    }
                    run.stepNanos += System.nanoTime() - stepStart;
                    run.examplesSeen += batch.length;
                    if (applied) {
                        run.steps++;
                        run.consecutiveSkips = 0;
                        run.lossSum += loss;
                        run.lossCount++;
                        epochSum += loss;
                        epochSteps++;
                    } else {
                        run.skipped++;
                        if (++run.consecutiveSkips >= MAX_CONSECUTIVE_SKIPS) {
                            run.stop = DIVERGED;
                        }
                    }
                    if (bar != null) {
                        bar.update(b + 1, String.format(Locale.ROOT, "loss %.4f lr %.2e",
                                epochSteps == 0 ? Double.NaN : epochSum / epochSteps, lr));
                    }
                    if (applied && o.evalEvery() > 0 && run.steps % o.evalEvery() == 0 && run.validate()) {
                        run.stop = "early-stopping";
                    }
                    if (run.stop == null && o.maxSteps() > 0 && run.steps >= o.maxSteps()) {
                        run.stop = "max-steps";
                    }
                    if (run.stop == null && o.timeBudgetSeconds() > 0 && run.elapsed() >= o.timeBudgetSeconds()) {
                        run.stop = "time-budget";
                    }
                }
                run.epochLosses.add(epochSteps == 0 ? Double.NaN : epochSum / epochSteps);
                if (bar != null) {
                    bar.stop(String.format(Locale.ROOT, "loss %.4f", epochSteps == 0 ? Double.NaN : epochSum / epochSteps));
                }
                if (run.stop == null && o.evalEvery() == 0 && run.validate()) {
                    run.stop = "early-stopping";
                }
            }
            if (run.stop == null) {
                run.stop = "epochs";
            }
            if (!"early-stopping".equals(run.stop) && run.lastValidatedStep != run.steps) {
                run.validate(); // the budget ended between validations: its last weights compete too
            }
            if (run.skipped > 0) {
                log.println(skippedLine(name, run.skipped));
            }
            run.restoreBest();
        }
        Validation best = run.best;
        return new TrainingResult(o, run.steps, run.epoch, run.skipped, run.stop,
                best == null ? null : best.entry(), List.copyOf(run.history), List.copyOf(run.epochLosses), run.elapsed(),
                run.stepNanos / 1e9, run.examplesSeen);
    }

    /** The line a run with skipped steps ends with (the stress command counts them from it). */
    public static String skippedLine(String name, long skipped) {
        return String.format(Locale.ROOT, "%s: %d steps skipped (non-finite loss or gradient)", name, skipped);
    }

    /** A validation with the weights it was made on. */
    private record Validation(TrainingResult.Validation entry, float[][] weights) {}

    /** The mutable state of one run. */
    private final class Run {
        final TrainingTask task;
        final long start;
        final EarlyStopping stopping = new EarlyStopping(options.patience());
        final List<TrainingResult.Validation> history = new ArrayList<>();
        final List<Double> epochLosses = new ArrayList<>();
        AdamW optimiser;
        WeightAverage average; // null: the weights as trained are validated and kept
        Validation best;
        String stop;
        int epoch;
        long steps;
        long skipped;
        long examplesSeen;
        long stepNanos;
        int consecutiveSkips;
        long lastValidatedStep = -1;
        double lossSum;
        int lossCount;
        float lr;

        Run(TrainingTask task, long start) {
            this.task = task;
            this.start = start;
        }

        double elapsed() {
            return (System.nanoTime() - start) / 1e9;
        }

        /**
         * Validates (when the task can) the weights as trained, or their moving average with one
         * (swapped in for the validation, the trained weights back after it); returns whether early
         * stopping says stop.
         */
        boolean validate() {
            if (average == null) {
                return validateParameters();
            }
            float[][] trained = snapshot(task.parameters());
            overwrite(task.parameters(), average.values());
            try {
                return validateParameters();
            } finally {
                overwrite(task.parameters(), trained);
            }
        }

        private boolean validateParameters() {
            lastValidatedStep = steps;
            TrainingTask.Validation v = task.validate();
            if (v == null) {
                return false;
            }
            int index = history.size() + 1;
            double loss = lossCount == 0 ? Double.NaN : lossSum / lossCount;
            lossSum = 0;
            lossCount = 0;
            TrainingResult.Validation entry = new TrainingResult.Validation(index, steps, epoch, loss, lr, v.score(),
                    v.metrics(), elapsed());
            history.add(entry);
            boolean improved = stopping.record(index, v.score());
            if (improved) {
                best = new Validation(entry, snapshot(task.parameters()));
            }
            log.printf(Locale.ROOT, "%s step %d (epoch %d): loss %.4f lr %.2e valid %s%s %.1f s%n", name, steps, epoch,
                    loss, lr, format(v.metrics()), improved ? " *" : "", elapsed());
            return stopping.shouldStop();
        }

        void restoreBest() {
            if (best != null) {
                overwrite(task.parameters(), best.weights());
            }
        }
    }

    private static void overwrite(List<AdamW.Trainable> params, float[][] weights) {
        for (int i = 0; i < params.size(); i++) {
            TensorWrites.overwrite(params.get(i).array(), weights[i]);
        }
    }

    private static float[][] snapshot(List<AdamW.Trainable> params) {
        float[][] copy = new float[params.size()][];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = params.get(i).array().toFloatArray();
        }
        return copy;
    }

    private static String format(Map<String, Double> metrics) {
        StringBuilder sb = new StringBuilder();
        metrics.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append(' ')
                .append(String.format(Locale.ROOT, "%.4f", v)));
        return sb.toString();
    }
}
