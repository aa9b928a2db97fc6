package dev.streamrec.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.CommandOptions;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The training engine on problems whose optimum and course are known. */
class TrainingEngineTest {

    private static final float[] TARGET = {1.5f, -2f, 0.25f, 3f};

    /** Least squares towards TARGET: example i pulls coordinate i % 4; the optimum is w = TARGET. */
    private static class Quadratic implements TrainingTask {
        final NDArray w;
        final List<Double> scores;
        int validations;
        long sleepMillis;

        Quadratic(NDManager m, List<Double> scores) {
            w = m.zeros(new Shape(TARGET.length));
            w.setRequiresGradient(true);
            this.scores = scores;
        }

        @Override
        public int examples() {
            return 64;
        }

        @Override
        public List<AdamW.Trainable> parameters() {
            return List.of(AdamW.Trainable.of(w));
        }

        @Override
        public float forwardBackward(int[] batch, Random random) {
            sleep();
            try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                scope.suppressNotUsedWarning();
                NDArray target = w.getManager().create(TARGET);
                NDArray loss = w.sub(target).square().mean();
                gc.backward(loss);
                return loss.getFloat();
            }
        }

        @Override
        public Validation validate() {
            if (scores == null) {
                return null;
            }
            double s = validations < scores.size() ? scores.get(validations) : 0;
            validations++;
            return new Validation(s, Map.of("score", s));
        }

        private void sleep() {
            if (sleepMillis > 0) {
                try {
                    Thread.sleep(sleepMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static TrainingOptions options(String... args) {
        CommandOptions c = CommandOptions.command("test", "The engine options alone.", null);
        TrainingOptions.declare(c, TrainingOptions.of(50, 16, 0.05f, 100, 7).withProgress(false));
        return TrainingOptions.from(c.parse(List.of(args)));
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

    @Test
    void reachesTheKnownOptimum() {
        try (NDManager m = NDManager.newBaseManager()) {
            Quadratic task = new Quadratic(m, null);
            TrainingResult r = new TrainingEngine("quadratic", options("--epochs", "100", "--lr-schedule", "cosine"), quiet()).run(task);
            assertArrayEquals(TARGET, task.w.toFloatArray(), 1e-3f);
            assertEquals(400, r.steps()); // 100 epochs of 64 / 16
            assertEquals("epochs", r.stopReason());
            assertEquals(0, r.skippedSteps());
            assertTrue(r.lastLoss() < 1e-5, "final loss " + r.lastLoss());
        }
    }

    @Test
    void earlyStoppingRestoresTheBestValidationsWeights() {
        try (NDManager m = NDManager.newBaseManager()) {
            Quadratic task = new Quadratic(m, List.of(0.1, 0.5, 0.3, 0.2, 0.1, 0.05));
            List<float[]> seen = new ArrayList<>();
            TrainingTask recording = new TrainingTask() {
                @Override
                public int examples() {
                    return task.examples();
                }

                @Override
                public List<AdamW.Trainable> parameters() {
                    return task.parameters();
                }

                @Override
                public float forwardBackward(int[] batch, Random random) {
                    return task.forwardBackward(batch, random);
                }

                @Override
                public Validation validate() {
                    seen.add(task.w.toFloatArray());
                    return task.validate();
                }
            };
            TrainingResult r = new TrainingEngine("stop", options("--eval-every", "3", "--patience", "3"), quiet()).run(recording);
            assertEquals("early-stopping", r.stopReason());
            assertEquals(5, r.history().size()); // best at validation 2, then 3 without improvement
            assertEquals(2, r.best().index());
            assertEquals(6, r.best().step());
            assertArrayEquals(seen.get(1), task.w.toFloatArray(), 0f);
        }
    }

    /**
     * With {@code --ema-decay} the validations see the weights' moving average, the best of them is
     * kept, and training goes on from the weights as trained. The task sets the weight to k at step
     * k (a zero gradient, so the optimiser leaves it there), so the average after n steps is
     * Σ (1-β)·β^(n-k)·k.
     */
    @Test
    void withAMovingAverageTheAverageIsValidatedAndKept() {
        try (NDManager m = NDManager.newBaseManager()) {
            List<Float> before = new ArrayList<>(); // the weight each step starts from
            List<Float> validated = new ArrayList<>();
            Quadratic stepping = new Quadratic(m, List.of(0.5, 0.1)) {
                @Override
                public float forwardBackward(int[] batch, Random random) {
                    before.add(w.getFloat(0));
                    float[] step = new float[TARGET.length];
                    Arrays.fill(step, before.size());
                    TensorWrites.overwrite(w, step);
                    try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        scope.suppressNotUsedWarning();
                        gc.backward(w.mul(0f).sum());
                        return 1f;
                    }
                }

                @Override
                public Validation validate() {
                    validated.add(w.getFloat(0));
                    return super.validate();
                }
            };
            float beta = 0.8f;
            TrainingResult r = new TrainingEngine("ema", options("--max-steps", "8", "--eval-every", "4",
                    "--ema-decay", Float.toString(beta)), quiet()).run(stepping);
            assertEquals(8, r.steps());
            assertEquals(List.of(0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f), before, "each step starts from the trained weight");
            assertEquals(averageOfSteps(beta, 4), validated.get(0), 1e-5f);
            assertEquals(averageOfSteps(beta, 8), validated.get(1), 1e-5f);
            assertEquals(1, r.best().index());
            assertEquals(validated.get(0), stepping.w.getFloat(0), 0f, "the best validation's average is kept");
        }
    }

    /** Σ_{k=1..n} (1-β)·β^(n-k)·k: the average after n steps of weights 1..n from 0. */
    private static float averageOfSteps(float beta, int n) {
        double a = 0;
        for (int k = 1; k <= n; k++) {
            a = beta * a + (1 - beta) * k;
        }
        return (float) a;
    }

    @Test
    void stopsAtTheStepBudgetAndValidatesTheLastWeights() {
        try (NDManager m = NDManager.newBaseManager()) {
            Quadratic task = new Quadratic(m, List.of(0.1, 0.2));
            TrainingResult r = new TrainingEngine("steps", options("--max-steps", "7"), quiet()).run(task);
            assertEquals(7, r.steps());
            assertEquals("max-steps", r.stopReason());
            assertEquals(2, r.history().size()); // end of epoch 1 (step 4), then the budget's last step
            assertEquals(4, r.history().get(0).step());
            assertEquals(7, r.best().step());
        }
    }

    @Test
    void stopsOnTheWallClockBudgetOnTime() {
        try (NDManager m = NDManager.newBaseManager()) {
            Quadratic task = new Quadratic(m, null);
            task.sleepMillis = 50;
            TrainingResult r = new TrainingEngine("clock", options("--time-budget", "0.5s"), quiet()).run(task);
            assertEquals("time-budget", r.stopReason());
            assertTrue(r.seconds() >= 0.5 && r.seconds() < 0.5 + 0.5, "stopped after " + r.seconds() + " s");
            assertTrue(r.steps() >= 5 && r.steps() <= 11, r.steps() + " steps");
        }
    }

    @Test
    void skipsNonFiniteStepsAndStopsWhenTheyPersist() {
        try (NDManager m = NDManager.newBaseManager()) {
            Quadratic task = new Quadratic(m, null);
            float[] before = task.w.toFloatArray();
            TrainingTask broken = new TrainingTask() {
                @Override
                public int examples() {
                    return 64;
                }

                @Override
                public List<AdamW.Trainable> parameters() {
                    return task.parameters();
                }

                @Override
                public float forwardBackward(int[] batch, Random random) {
                    task.forwardBackward(batch, random);
                    return Float.NaN;
                }

                @Override
                public Validation validate() {
                    return null;
                }
            };
            TrainingResult r = new TrainingEngine("nan", options(), quiet()).run(broken);
            assertEquals("diverged", r.stopReason());
            assertEquals(TrainingEngine.MAX_CONSECUTIVE_SKIPS, r.skippedSteps());
            assertEquals(0, r.steps());
            assertArrayEquals(before, task.w.toFloatArray(), 0f);
        }
    }

    /**
     * With --length-buckets a task that has lengths gets batches of about 16 examples' worth of
     * positions (two lengths, 32 examples each: many short examples to a batch, few long ones) and
     * still every example once per epoch; a task
     * without lengths is refused rather than silently batched as before.
     */
    @Test
    void lengthBucketsBatchExamplesOfOneLengthAndRefuseATaskWithoutLengths() {
        try (NDManager m = NDManager.newBaseManager()) {
            List<int[]> batches = new ArrayList<>();
            Quadratic task = new Quadratic(m, null) {
                @Override
                public int[] exampleLengths() {
                    int[] lengths = new int[examples()];
                    for (int i = 0; i < lengths.length; i++) {
                        lengths[i] = i % 2 == 0 ? 3 : 40;
                    }
                    return lengths;
                }

                @Override
                public float forwardBackward(int[] batch, Random random) {
                    batches.add(batch);
                    return super.forwardBackward(batch, random);
                }
            };
            new TrainingEngine("buckets", options("--epochs", "2", "--length-buckets"), quiet()).run(task);
            // at most 16 × the mean length 21.5 = 344 positions a batch: the 32 short examples share one, the long ones ~8 to a batch
            int at = 0;
            for (int epoch = 0; epoch < 2; epoch++) {
                int[] seen = new int[64];
                int covered = 0;
                int largest = 0;
                while (covered < 64) {
                    int[] batch = batches.get(at++);
                    int positions = 0;
                    for (int e : batch) {
                        covered += seen[e]++ == 0 ? 1 : 0;
                        positions += e % 2 == 0 ? 3 : 40;
                    }
                    assertTrue(positions <= 344, positions + " positions");
                    largest = Math.max(largest, batch.length);
                }
                int[] once = new int[64];
                Arrays.fill(once, 1);
                assertArrayEquals(once, seen, "every example once in epoch " + (epoch + 1));
                assertTrue(largest >= 32, "the short examples come many to a batch: " + largest);
            }
            assertEquals(batches.size(), at);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TrainingEngine("plain",
                    options("--length-buckets"), quiet()).run(new Quadratic(m, null)));
            assertEquals("--length-buckets: plain has no example lengths to bucket by", e.getMessage());
        }
    }

    @Test
    void refusesRenamedOptions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> options("--batch", "32"));
        assertEquals("--batch is now --batch-size", e.getMessage());
    }

    @Test
    void scheduleWarmsUpThenDecays() {
        LearningRateSchedule cosine = new LearningRateSchedule(1f, 4, TrainingOptions.Schedule.COSINE, 0.1f, 104);
        assertEquals(0.2f, cosine.at(0), 1e-6f);
        assertEquals(0.8f, cosine.at(3), 1e-6f);
        assertEquals(1f, cosine.at(4), 1e-6f);
        assertEquals(0.55f, cosine.at(54), 1e-6f); // half-way: 0.1 + 0.9 * 0.5
        assertEquals(0.1f, cosine.at(104), 1e-6f);
        assertEquals(0.1f, cosine.at(500), 1e-6f);
        LearningRateSchedule linear = new LearningRateSchedule(2f, 0, TrainingOptions.Schedule.LINEAR, 0f, 10);
        assertEquals(1f, linear.at(5), 1e-6f);
        assertEquals(2f, new LearningRateSchedule(2f, 0, TrainingOptions.Schedule.CONSTANT, 0f, 10).at(9), 0f);
    }
}
