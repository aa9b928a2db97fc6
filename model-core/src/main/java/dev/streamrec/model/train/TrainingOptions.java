package dev.streamrec.model.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamrec.model.cli.CliArgs;

import java.util.Locale;
import java.util.Map;

/**
 * The optimisation options of one training run, the same for every model family (KDSR encoders,
 * MISSRec pre-training and fine-tuning, BM3 / LightGCN / MF-BPR, the streaming fine-tuners), and
 * their one command-line vocabulary:
 *
 * <ul>
 *   <li>budget: {@code --epochs E} (passes over the training examples), {@code --max-steps S}
 *       (optimiser steps, 0 = no limit), {@code --time-budget T} (wall clock: seconds, or with a
 *       unit {@code 90s}, {@code 20m}, {@code 1h}; 0 = none); training stops at the first reached;
 *   <li>{@code --batch-size B}, {@code --examples-per-epoch N} (0 = all; a sample otherwise);
 *   <li>AdamW: {@code --lr X}, {@code --weight-decay W} (decoupled, matrices only), {@code --clip-norm C}
 *       (global gradient L2 norm, 0 = off);
 *   <li>schedule: {@code --warmup-steps N} (linear warm-up), {@code --lr-schedule constant|linear|cosine}
 *       (decay to {@code --min-lr-factor} of the rate at the end of the step budget);
 *   <li>selection: {@code --eval-every N} (optimiser steps between validations, 0 = once per
 *       epoch), {@code --patience P} (validations without improvement before stopping), the best
 *       validation's weights restored at the end;
 *   <li>{@code --seed S}, {@code --quiet} (no progress bar).
 * </ul>
 *
 * Each family supplies its own defaults ({@link #from}); options a family does not read are
 * refused by name ({@link #RENAMED}), so no option is silently ignored.
 */
public record TrainingOptions(
        int epochs,
        long maxSteps,
        double timeBudgetSeconds,
        int batchSize,
        int examplesPerEpoch,
        float learningRate,
        float weightDecay,
        float clipNorm,
        int warmupSteps,
        Schedule schedule,
        float minLrFactor,
        int evalEvery,
        int patience,
        long seed,
        boolean progress) {

    /** Learning-rate decay after warm-up. */
    public enum Schedule {
        CONSTANT, LINEAR, COSINE;

        static Schedule parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--lr-schedule must be constant, linear or cosine, got " + s);
            }
        }
    }

    /** Option names of earlier versions, refused with the name that replaced them. */
    public static final Map<String, String> RENAMED = Map.of(
            "batch", "batch-size",
            "clip", "clip-norm",
            "rows-per-epoch", "examples-per-epoch",
            "sampled-negatives", "negatives");

    public TrainingOptions {
        require(epochs >= 1, "--epochs must be >= 1");
        require(maxSteps >= 0, "--max-steps must be >= 0");
        require(timeBudgetSeconds >= 0, "--time-budget must be >= 0");
        require(batchSize >= 1, "--batch-size must be >= 1");
        require(examplesPerEpoch >= 0, "--examples-per-epoch must be >= 0");
        require(learningRate > 0 && Float.isFinite(learningRate), "--lr must be > 0");
        require(weightDecay >= 0, "--weight-decay must be >= 0");
        require(clipNorm >= 0, "--clip-norm must be >= 0");
        require(warmupSteps >= 0, "--warmup-steps must be >= 0");
        require(schedule != null, "--lr-schedule is required");
        require(minLrFactor >= 0 && minLrFactor <= 1, "--min-lr-factor must be in [0, 1]");
        require(evalEvery >= 0, "--eval-every must be >= 0");
        require(patience >= 1, "--patience must be >= 1");
    }

    /** A family's defaults: constant rate, no decay, no clipping, no step or time budget, validation once per epoch. */
    public static TrainingOptions of(int epochs, int batchSize, float learningRate, int patience, long seed) {
        return new TrainingOptions(epochs, 0, 0, batchSize, 0, learningRate, 0f, 0f, 0, Schedule.CONSTANT, 0f, 0,
                patience, seed, true);
    }

    /** The options on the command line over a family's {@code defaults}; renamed options are refused. */
    public static TrainingOptions from(CliArgs a, TrainingOptions defaults) {
        RENAMED.forEach((old, now) -> {
            if (a.has(old)) {
                throw new IllegalArgumentException("--" + old + " is now --" + now);
            }
        });
        return new TrainingOptions(
                a.getInt("epochs", defaults.epochs()),
                a.getLong("max-steps", defaults.maxSteps()),
                a.has("time-budget") ? parseSeconds(a.get("time-budget", "0")) : defaults.timeBudgetSeconds(),
                a.getInt("batch-size", defaults.batchSize()),
                a.getInt("examples-per-epoch", defaults.examplesPerEpoch()),
                (float) a.getDouble("lr", defaults.learningRate()),
                (float) a.getDouble("weight-decay", defaults.weightDecay()),
                (float) a.getDouble("clip-norm", defaults.clipNorm()),
                a.getInt("warmup-steps", defaults.warmupSteps()),
                a.has("lr-schedule") ? Schedule.parse(a.get("lr-schedule", "")) : defaults.schedule(),
                (float) a.getDouble("min-lr-factor", defaults.minLrFactor()),
                a.getInt("eval-every", defaults.evalEvery()),
                a.getInt("patience", defaults.patience()),
                a.getLong("seed", defaults.seed()),
                a.has("quiet") ? !a.getBoolean("quiet", true) : defaults.progress());
    }

    /** {@code 90}, {@code 90s}, {@code 20m}, {@code 1.5h} as seconds. */
    static double parseSeconds(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        double unit = 1;
        if (t.endsWith("h")) {
            unit = 3600;
        } else if (t.endsWith("m")) {
            unit = 60;
        }
        if (t.endsWith("h") || t.endsWith("m") || t.endsWith("s")) {
            t = t.substring(0, t.length() - 1);
        }
        return Double.parseDouble(t) * unit;
    }

    public TrainingOptions withEpochs(int e) {
        return new TrainingOptions(e, maxSteps, timeBudgetSeconds, batchSize, examplesPerEpoch, learningRate, weightDecay,
                clipNorm, warmupSteps, schedule, minLrFactor, evalEvery, patience, seed, progress);
    }

    public TrainingOptions withClipNorm(float c) {
        return new TrainingOptions(epochs, maxSteps, timeBudgetSeconds, batchSize, examplesPerEpoch, learningRate,
                weightDecay, c, warmupSteps, schedule, minLrFactor, evalEvery, patience, seed, progress);
    }

    public TrainingOptions withExamplesPerEpoch(int n) {
        return new TrainingOptions(epochs, maxSteps, timeBudgetSeconds, batchSize, n, learningRate, weightDecay,
                clipNorm, warmupSteps, schedule, minLrFactor, evalEvery, patience, seed, progress);
    }

    public TrainingOptions withProgress(boolean p) {
        return new TrainingOptions(epochs, maxSteps, timeBudgetSeconds, batchSize, examplesPerEpoch, learningRate,
                weightDecay, clipNorm, warmupSteps, schedule, minLrFactor, evalEvery, patience, seed, p);
    }

    /** Writes every option (the artifact's provenance). */
    public void writeTo(ObjectNode node) {
        node.put("epochs", epochs);
        node.put("maxSteps", maxSteps);
        node.put("timeBudgetSeconds", timeBudgetSeconds);
        node.put("batchSize", batchSize);
        node.put("examplesPerEpoch", examplesPerEpoch);
        node.put("learningRate", learningRate);
        node.put("weightDecay", weightDecay);
        node.put("clipNorm", clipNorm);
        node.put("warmupSteps", warmupSteps);
        node.put("lrSchedule", schedule.name().toLowerCase(Locale.ROOT));
        node.put("minLrFactor", minLrFactor);
        node.put("evalEvery", evalEvery);
        node.put("patience", patience);
        node.put("seed", seed);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
