package dev.streamrec.model.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.CommandOptions;
import dev.streamrec.model.train.TensorWrites;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NextItemLossTest {

    private static final double TOLERANCE = 1e-5;

    @Test
    void shouldMatchHandComputedFullSoftmax() {
        try (NDManager m = NDManager.newBaseManager()) {
            // one sequence, two positions, d = 1; table rows 0..2 = (0, 1, 2)
            NDArray hidden = m.create(new float[] {1, 3}, new Shape(1, 2, 1));
            NDArray table = m.create(new float[] {0, 1, 2}, new Shape(3, 1));
            NDArray targets = m.create(new long[] {0, 2}, new Shape(1, 2)); // first position not counted
            double loss = NextItemLoss.fullSoftmax(hidden, table, targets).getFloat();
            // position 2: logits (0, 3, 6), target 2
            double expected = -(6 - Math.log(Math.exp(0) + Math.exp(3) + Math.exp(6)));
            assertEquals(expected, loss, TOLERANCE);
        }
    }

    @Test
    void shouldMatchHandComputedSampledSoftmaxAndMaskCollisions() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray hidden = m.create(new float[] {1, 2}, new Shape(1, 2, 1));
            NDArray table = m.create(new float[] {0, 1, 2, 3}, new Shape(4, 1));
            NDArray targets = m.create(new long[] {1, 3}, new Shape(1, 2));
            NDArray negatives = m.create(new long[] {2, 3});
            double loss = NextItemLoss.sampledSoftmax(hidden, table, targets, negatives).getFloat();
            // pos 1: h=1, target 1 (logit 1), negatives 2, 3 (logits 2, 3)
            double l1 = -(1 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)));
            // pos 2: h=2, target 3 (logit 6), negative 2 (logit 4); negative 3 is the target: masked
            double l2 = -(6 - Math.log(Math.exp(6) + Math.exp(4)));
            assertEquals((l1 + l2) / 2, loss, TOLERANCE);
        }
    }

    @Test
    void shouldSubtractLogQFromNegativesOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray hidden = m.create(new float[] {1, 2, 5}, new Shape(1, 3, 1));
            NDArray table = m.create(new float[] {0, 1, 2, 3}, new Shape(4, 1));
            NDArray targets = m.create(new long[] {1, 3, 0}, new Shape(1, 3)); // last position padding
            NDArray negatives = m.create(new long[] {2, 3});
            NDArray logQ = m.create(new float[] {0.5f, -1f});
            double loss = NextItemLoss.sampledSoftmax(hidden, table, targets, negatives, logQ).getFloat();
            // pos 1: target logit 1 (uncorrected), negatives 2 - 0.5 and 3 + 1
            double l1 = -(1 - Math.log(Math.exp(1) + Math.exp(1.5) + Math.exp(4)));
            // pos 2: target logit 6, negative 2: 4 - 0.5; negative 3 is the target: masked
            double l2 = -(6 - Math.log(Math.exp(6) + Math.exp(3.5)));
            assertEquals((l1 + l2) / 2, loss, TOLERANCE);
        }
    }

    @Test
    void shouldMatchHandComputedBceWithSharedNegativesIgnoringPadding() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray hidden = m.create(new float[] {1, 2, -7}, new Shape(1, 3, 1));
            NDArray table = m.create(new float[] {0, 1, 2, 3}, new Shape(4, 1));
            NDArray targets = m.create(new long[] {1, 3, 0}, new Shape(1, 3)); // last position padding
            NDArray negatives = m.create(new long[] {2, 3});
            double loss = NextItemLoss.bce(hidden, table, targets, negatives).getFloat();
            // pos 1: s+ = 1, s- = 2, 3
            double l1 = -logSigmoid(1) - log1mSigmoid(2) - log1mSigmoid(3);
            // pos 2: s+ = 6, s- = 4; negative 3 is the target: left out
            double l2 = -logSigmoid(6) - log1mSigmoid(4);
            assertEquals((l1 + l2) / 2, loss, TOLERANCE);
        }
    }

    @Test
    void shouldMatchHandComputedBceWithOneNegativePerPosition() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray hidden = m.create(new float[] {1, 2, -7}, new Shape(1, 3, 1));
            NDArray table = m.create(new float[] {0, 1, 2, 3}, new Shape(4, 1));
            NDArray targets = m.create(new long[] {1, 3, 0}, new Shape(1, 3));
            NDArray negatives = m.create(new long[] {2, 3, 1}, new Shape(1, 3, 1)); // pos 2's negative is its target
            double loss = NextItemLoss.bce(hidden, table, targets, negatives).getFloat();
            double l1 = -logSigmoid(1) - log1mSigmoid(2);
            double l2 = -logSigmoid(6);
            assertEquals((l1 + l2) / 2, loss, TOLERANCE);
        }
    }

    @Test
    void shouldStayFiniteForLargeScores() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray hidden = m.create(new float[] {-100}, new Shape(1, 1, 1));
            NDArray table = m.create(new float[] {0, 1, -1}, new Shape(3, 1));
            NDArray targets = m.create(new long[] {1}, new Shape(1, 1));
            // s+ = -100, s- = 100: each term is ~100
            double loss = NextItemLoss.bce(hidden, table, targets, m.create(new long[] {2})).getFloat();
            assertEquals(200, loss, 1e-3);
        }
    }

    @Test
    void shouldIgnorePaddingPositionsInEveryLoss() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray table = m.create(new float[] {0, 0, 1, 1, 2, -1, 3, 0.5f}, new Shape(4, 2));
            NDArray negatives = m.create(new long[] {2, 3, 3});
            NDArray logQ = m.create(new float[] {0.1f, -0.2f, -0.2f});
            NDArray counted = m.create(new float[] {1, 2, -1, 0.5f}, new Shape(1, 2, 2));
            NDArray countedTargets = m.create(new long[] {1, 3}, new Shape(1, 2));
            // the same two positions after a padding position with a large hidden state
            NDArray padded = m.create(new float[] {50, -40, 1, 2, -1, 0.5f}, new Shape(1, 3, 2));
            NDArray paddedTargets = m.create(new long[] {0, 1, 3}, new Shape(1, 3));
            assertEquals(NextItemLoss.fullSoftmax(counted, table, countedTargets).getFloat(),
                    NextItemLoss.fullSoftmax(padded, table, paddedTargets).getFloat(), TOLERANCE);
            assertEquals(NextItemLoss.sampledSoftmax(counted, table, countedTargets, negatives, logQ).getFloat(),
                    NextItemLoss.sampledSoftmax(padded, table, paddedTargets, negatives, logQ).getFloat(), TOLERANCE);
            assertEquals(NextItemLoss.bce(counted, table, countedTargets, negatives).getFloat(),
                    NextItemLoss.bce(padded, table, paddedTargets, negatives).getFloat(), TOLERANCE);
        }
    }

    /**
     * On a 20-item catalogue with a long-tailed popularity sampler, the log-Q corrected sampled
     * softmax averaged over many seeds equals the full softmax, and its average gradient equals the
     * full gradient; the uncorrected one does not. Tolerance: the sampled loss is
     * -o_t + log(e^{o_t} + Ẑ) with Ẑ unbiased for Σ_{i≠t} e^{o_i}, so its mean lies below the full
     * loss by the Jensen gap, ≈ Var(Ẑ) / (2 Z²) to second order (computed exactly here from q), plus
     * Monte-Carlo noise: allowed 4 standard errors plus twice the predicted gap (S = 1000: gap ≈
     * 0.009, measured 0.007). The reference is the softmax over items 1..N; {@link
     * NextItemLoss#fullSoftmax} also keeps the padding column, which no sampler draws.
     */
    @Test
    void shouldEqualFullSoftmaxInExpectationWithLogQCorrection() {
        int items = 20;
        int dim = 4;
        int positions = 6;
        int samples = 1000;
        int seeds = 2000;
        Random random = new Random(42);
        float[] tableValues = new float[(items + 1) * dim];
        for (int i = 0; i < tableValues.length; i++) {
            tableValues[i] = (float) random.nextGaussian();
        }
        float[] hiddenValues = new float[positions * dim];
        for (int i = 0; i < hiddenValues.length; i++) {
            hiddenValues[i] = (float) random.nextGaussian();
        }
        long[] targetValues = {1, 2, 5, 12, 19, 20}; // popular to never-seen targets
        NegativeSampler sampler = NegativeSampler.popularity(NegativeSamplerTest.skewedCounts(), 1.0, 9);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray table = m.create(tableValues, new Shape(items + 1, dim));
            NDArray hidden = m.create(hiddenValues, new Shape(1, positions, dim));
            NDArray targets = m.create(targetValues, new Shape(1, positions));
            hidden.setRequiresGradient(true);
            // the reference: softmax over the items 1..N (fullSoftmax also keeps the padding column)
            double full = 0;
            float[] fullGrad = new float[hiddenValues.length];
            for (int p = 0; p < positions; p++) {
                double z = 0;
                for (int i = 1; i <= items; i++) {
                    z += Math.exp(logit(tableValues, hiddenValues, p, i, dim));
                }
                full += (Math.log(z) - logit(tableValues, hiddenValues, p, (int) targetValues[p], dim)) / positions;
                for (int i = 1; i <= items; i++) {
                    double weight = Math.exp(logit(tableValues, hiddenValues, p, i, dim)) / z - (i == targetValues[p] ? 1 : 0);
                    for (int k = 0; k < dim; k++) {
                        fullGrad[p * dim + k] += (float) (weight * tableValues[i * dim + k] / positions);
                    }
                }
            }
            double[] corrected = new double[seeds];
            double[] uncorrected = new double[seeds];
            double[] meanGrad = new double[fullGrad.length];
            double[] squaredGrad = new double[fullGrad.length];
            for (int k = 0; k < seeds; k++) {
                try (NDManager step = m.newSubManager()) {
                    NegativeSampler.Negatives draw = sampler.draw(samples);
                    NDArray negatives = step.create(draw.ids());
                    TensorWrites.zeroGradient(hidden); // backward accumulates into it
                    try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                        NDArray loss = NextItemLoss.sampledSoftmax(hidden, table, targets, negatives, step.create(draw.logQ()));
                        gc.backward(loss);
                        corrected[k] = loss.getFloat();
                        float[] g = hidden.getGradient().toFloatArray();
                        for (int i = 0; i < g.length; i++) {
                            meanGrad[i] += g[i] / seeds;
                            squaredGrad[i] += (double) g[i] * g[i] / seeds;
                        }
                    }
                    uncorrected[k] = NextItemLoss.sampledSoftmax(hidden, table, targets, negatives).getFloat();
                }
            }
            double gap = predictedJensenGap(tableValues, hiddenValues, targetValues, sampler, dim, samples);
            double tolerance = 4 * standardError(corrected) + 2 * gap;
            assertEquals(full, mean(corrected), tolerance);
            assertTrue(Math.abs(mean(uncorrected) - full) > 10 * tolerance, "the uncorrected loss is biased");
            double gradError = 0;
            double gradNorm = 0;
            double gradVariance = 0;
            for (int i = 0; i < fullGrad.length; i++) {
                gradError += (meanGrad[i] - fullGrad[i]) * (meanGrad[i] - fullGrad[i]);
                gradNorm += fullGrad[i] * fullGrad[i];
                gradVariance += squaredGrad[i] - meanGrad[i] * meanGrad[i];
            }
            // the gradient's softmax weights are ratios e^{o_i} / (e^{o_t} + Ẑ): relative bias ≈ Var(Ẑ) / Z² = 2·gap
            double relativeError = Math.sqrt(gradError / gradNorm);
            double gradTolerance = 4 * Math.sqrt(gradVariance / seeds / gradNorm) + 2 * (2 * gap);
            assertTrue(relativeError < gradTolerance, "relative gradient error " + relativeError + " > " + gradTolerance);
        }
    }

    private static CliArgs lossOptions(String... args) {
        CommandOptions c = CommandOptions.command("test", "The loss options alone.", null);
        LossSettings.declare(c);
        return c.parse(List.of(args));
    }

    @Test
    void shouldParseLossOptions() {
        assertEquals(NextItemLoss.Kind.FULL_SOFTMAX, NextItemLoss.Kind.of("full"));
        assertEquals(NextItemLoss.Kind.SAMPLED_SOFTMAX, NextItemLoss.Kind.of("sampled"));
        assertEquals(NextItemLoss.Kind.BCE, NextItemLoss.Kind.of("BCE"));
        assertThrows(IllegalArgumentException.class, () -> NextItemLoss.Kind.of("softmax"));
        assertEquals(LossSettings.defaults(), LossSettings.parse(lossOptions(), 100));
        LossSettings s = LossSettings.parse(
                lossOptions("--loss", "sampled", "--negatives", "256", "--negative-sampler", "popularity"), 100);
        assertEquals(new LossSettings(NextItemLoss.Kind.SAMPLED_SOFTMAX, 256, NegativeSampler.Kind.POPULARITY, 1.0), s);
        assertEquals(1, LossSettings.parse(lossOptions("--loss", "bce"), 100).negatives());
        // a catalogue above the full softmax's limit defaults to the sampled softmax
        assertEquals(LossSettings.of(NextItemLoss.Kind.SAMPLED_SOFTMAX),
                LossSettings.parse(lossOptions(), LossSettings.FULL_SOFTMAX_MAX_ITEMS + 1));
        assertEquals(LossSettings.SAMPLED_NEGATIVES, LossSettings.of(NextItemLoss.Kind.SAMPLED_SOFTMAX).negatives());
        assertThrows(IllegalArgumentException.class,
                () -> LossSettings.parse(lossOptions("--loss", "sampled", "--negatives", "0"), 100));
        assertThrows(IllegalArgumentException.class,
                () -> LossSettings.parse(lossOptions("--negatives", "10"), 100));
    }

    /** Mean over positions of Var(Ẑ) / (2 Z²), Z = e^{o_t} + Σ_{i≠t} e^{o_i}, Var(Ẑ) from q in closed form. */
    private static double predictedJensenGap(float[] table, float[] hidden, long[] targets, NegativeSampler sampler,
            int dim, int samples) {
        double sum = 0;
        for (int p = 0; p < targets.length; p++) {
            double z = 0;
            double secondMoment = 0;
            double others = 0;
            for (int i = 1; i <= sampler.numItems(); i++) {
                double e = Math.exp(logit(table, hidden, p, i, dim));
                z += e;
                if (i != targets[p]) {
                    others += e;
                    secondMoment += e * e / sampler.probability(i);
                }
            }
            double variance = (secondMoment - others * others) / samples;
            sum += variance / (2 * z * z);
        }
        return sum / targets.length;
    }

    private static double logit(float[] table, float[] hidden, int position, int item, int dim) {
        double s = 0;
        for (int k = 0; k < dim; k++) {
            s += hidden[position * dim + k] * table[item * dim + k];
        }
        return s;
    }

    private static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    private static double standardError(double[] x) {
        double mu = mean(x);
        double s = 0;
        for (double v : x) {
            s += (v - mu) * (v - mu);
        }
        return Math.sqrt(s / (x.length - 1) / x.length);
    }

    private static double logSigmoid(double s) {
        return -Math.log1p(Math.exp(-s));
    }

    private static double log1mSigmoid(double s) {
        return -Math.log1p(Math.exp(s));
    }
}
