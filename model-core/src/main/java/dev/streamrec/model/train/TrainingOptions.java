package dev.streamrec.model.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.CommandOptions;

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
 *   <li>{@code --batch-size B}, {@code --examples-per-epoch N} (0 = all; a sample otherwise),
 *       {@code --length-buckets} (batches of examples of similar length, for a task that has lengths:
 *       {@link LengthBuckets});
 *   <li>AdamW: {@code --lr X}, {@code --weight-decay W} (decoupled, matrices only), {@code --clip-norm C}
 *       (global gradient L2 norm, 0 = off), {@code --adam-beta2 B} (second-moment decay, 0.999);
 *   <li>schedule: {@code --warmup-steps N} (linear warm-up), {@code --lr-schedule constant|linear|cosine}
 *       (decay to {@code --min-lr-factor} of the rate at the end of the step budget);
 *   <li>selection: {@code --eval-every N} (optimiser steps between validations, 0 = once per
 *       epoch), {@code --patience P} (validations without improvement before stopping), the best
 *       validation's weights restored at the end; {@code --ema-decay β} (0 = off): what is
 *       validated and kept is the weights' exponential moving average ({@link WeightAverage});
 *   <li>{@code --seed S}, {@code --quiet} (no progress bar).
 * </ul>
 *
 * Each family declares them with its own defaults ({@link #declare}) on the command it reads them
 * for, so an option no family reads is refused as unknown, and old names by their replacement
 * ({@link #RENAMED}).
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
        float beta2,
        int warmupSteps,
        Schedule schedule,
        float minLrFactor,
        int evalEvery,
        int patience,
        long seed,
        boolean progress,
        boolean lengthBuckets,
        float emaDecay) {

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
        require(beta2 > 0 && beta2 < 1, "--adam-beta2 must be in (0, 1)");
        require(warmupSteps >= 0, "--warmup-steps must be >= 0");
        require(schedule != null, "--lr-schedule is required");
        require(minLrFactor >= 0 && minLrFactor <= 1, "--min-lr-factor must be in [0, 1]");
        require(evalEvery >= 0, "--eval-every must be >= 0");
        require(patience >= 1, "--patience must be >= 1");
        require(emaDecay == 0 || (emaDecay > 0 && emaDecay < 1), "--ema-decay must be 0 (off) or in (0, 1)");
    }

    /** A family's defaults: constant rate, no decay, no clipping, no step or time budget, validation once per epoch. */
    public static TrainingOptions of(int epochs, int batchSize, float learningRate, int patience, long seed) {
        return new TrainingOptions(epochs, 0, 0, batchSize, 0, learningRate, 0f, 0f, AdamW.DEFAULT_BETA2, 0,
                Schedule.CONSTANT, 0f, 0, patience, seed, true, false, 0f);
    }

    /**
     * Declares the options on {@code command} with a family's {@code defaults}, and the old names of
     * {@link #RENAMED} (hidden) so that they are refused with their replacement.
     */
    public static void declare(CommandOptions command, TrainingOptions defaults) {
        command.integer("epochs", defaults.epochs(), "Passes over the training examples (an upper bound with early stopping).")
                .longInteger("max-steps", defaults.maxSteps(), "Optimiser steps before stopping (0 = no limit).")
                .text("time-budget", seconds(defaults.timeBudgetSeconds()), "T",
                        "Wall-clock budget: seconds, or with a unit (90s, 20m, 1h); 0 = none.")
                .integer("batch-size", defaults.batchSize(), "Training examples per optimiser step.")
                .integer("examples-per-epoch", defaults.examplesPerEpoch(),
                        "Training examples sampled per epoch (0 = all of them).")
                .flag("length-buckets", defaults.lengthBuckets(),
                        "Batch examples of similar length together, each batch padded only to its longest (sequence "
                                + "models; saves the padding of datasets of short histories).")
                .decimal("lr", defaults.learningRate(), "AdamW learning rate.")
                .decimal("weight-decay", defaults.weightDecay(), "AdamW decoupled weight decay (matrices only).")
                .decimal("clip-norm", defaults.clipNorm(), "Clip the global gradient L2 norm at this (0 = off).")
                .decimal("adam-beta2", defaults.beta2(), "AdamW second-moment decay: lower adapts the step of a rarely "
                        + "updated embedding row faster (the SASRec paper uses 0.98).")
                .integer("warmup-steps", defaults.warmupSteps(), "Linear learning-rate warm-up steps.")
                .text("lr-schedule", defaults.schedule().name().toLowerCase(Locale.ROOT), "constant|linear|cosine",
                        "Learning-rate decay after warm-up, to --min-lr-factor at the end of the step budget.")
                .decimal("min-lr-factor", defaults.minLrFactor(), "The decayed rate's floor, as a factor of --lr.")
                .integer("eval-every", defaults.evalEvery(), "Optimiser steps between validations (0 = once per epoch).")
                .integer("patience", defaults.patience(), "Validations without improvement before stopping early.")
                .decimal("ema-decay", defaults.emaDecay(), "Validate, select and keep an exponential moving average of "
                        + "the weights, updated after every step with this decay (e.g. 0.999); 0 = the weights as trained.")
                .longInteger("seed", defaults.seed(), "Random seed (initialisation, sampling, shuffling).")
                .flag("quiet", !defaults.progress(), "No progress bar.");
        RENAMED.keySet().forEach(command::renamed);
    }

    /** The options as parsed against {@link #declare}; renamed options are refused with their replacement. */
    public static TrainingOptions from(CliArgs a) {
        RENAMED.forEach((old, now) -> {
            if (a.has(old)) {
                throw new IllegalArgumentException("--" + old + " is now --" + now);
            }
        });
        return new TrainingOptions(
                a.getInt("epochs"),
                a.getLong("max-steps"),
                parseSeconds(a.get("time-budget")),
                a.getInt("batch-size"),
                a.getInt("examples-per-epoch"),
                (float) a.getDouble("lr"),
                (float) a.getDouble("weight-decay"),
                (float) a.getDouble("clip-norm"),
                (float) a.getDouble("adam-beta2"),
                a.getInt("warmup-steps"),
                Schedule.parse(a.get("lr-schedule")),
                (float) a.getDouble("min-lr-factor"),
                a.getInt("eval-every"),
                a.getInt("patience"),
                a.getLong("seed"),
                !a.getBoolean("quiet"),
                a.getBoolean("length-buckets"),
                (float) a.getDouble("ema-decay"));
    }

    private static String seconds(double s) {
        return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
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
                clipNorm, beta2, warmupSteps, schedule, minLrFactor, evalEvery, patience, seed, progress, lengthBuckets, emaDecay);
    }

    public TrainingOptions withClipNorm(float c) {
        return new TrainingOptions(epochs, maxSteps, timeBudgetSeconds, batchSize, examplesPerEpoch, learningRate,
                weightDecay, c, beta2, warmupSteps, schedule, minLrFactor, evalEvery, patience, seed, progress, lengthBuckets, emaDecay);
    }

    public TrainingOptions withExamplesPerEpoch(int n) {
        return new TrainingOptions(epochs, maxSteps, timeBudgetSeconds, batchSize, n, learningRate, weightDecay,
                clipNorm, beta2, warmupSteps, schedule, minLrFactor, evalEvery, patience, seed, progress, lengthBuckets, emaDecay);
    }

    public TrainingOptions withProgress(boolean p) {
        return new TrainingOptions(epochs, maxSteps, timeBudgetSeconds, batchSize, examplesPerEpoch, learningRate,
                weightDecay, clipNorm, beta2, warmupSteps, schedule, minLrFactor, evalEvery, patience, seed, p, lengthBuckets, emaDecay);
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
        node.put("adamBeta2", beta2);
        node.put("warmupSteps", warmupSteps);
        node.put("lrSchedule", schedule.name().toLowerCase(Locale.ROOT));
        node.put("minLrFactor", minLrFactor);
        node.put("evalEvery", evalEvery);
        node.put("patience", patience);
        node.put("seed", seed);
        if (lengthBuckets) {
            node.put("lengthBuckets", true); // absent when off, so earlier artifacts' provenance reads the same
        }
        if (emaDecay > 0) {
            node.put("emaDecay", emaDecay); // likewise
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
