package dev.streamrec.model.kdsr;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.streamrec.model.backbone.EncoderConfig;
import dev.streamrec.model.backbone.ItemEmbeddingBlock;
import dev.streamrec.model.backbone.NextItemLoss;
import dev.streamrec.model.backbone.SequenceModelBlock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A profile of one KDSR training step by part, at the MovieLens default shapes (B = 128, T = 50,
 * d = 64, 9,742 items, sampled softmax with 512 negatives, two modalities, K = 50, D = 8) on
 * synthetic ids and teachers: the forward
 * and backward time of the whole step for the plain backbone and for KDSR with the dissected loss
 * over all pairs and over sampled partners, and of each KDSR part alone. Runs only with
 * {@code -Dkdsr.profile=true} (it is a measurement, not a check); the numbers go to
 * docs/results-kdsr.md.
 */
class KdsrStepProfileTest {

    private static final int B = 128;
    private static final int T = 50;
    private static final int DIM = 64;
    private static final int ITEMS = 9742;
    private static final int REPEATS = Integer.getInteger("kdsr.profile.repeats", 5);

    @Test
    void shouldProfileOneKdsrStepByPart() {
        assumeTrue(Boolean.getBoolean("kdsr.profile"), "measurement: run with -Dkdsr.profile=true");
        Engine.getInstance().setRandomSeed(1);
        Random r = new Random(1);
        try (NDManager m = NDManager.newBaseManager()) {
            List<ModalityTeacher> teachers = new ArrayList<>();
            for (String name : List.of("title", "tags")) {
                float[][] codes = new float[ITEMS + 1][DIM];
                for (int i = 1; i <= ITEMS; i++) {
                    for (int j = 0; j < DIM; j++) {
                        codes[i][j] = (float) r.nextGaussian();
                    }
                }
                teachers.add(new ModalityTeacher(name, codes, CorrelationCodebook.fit(codes, 8, 50, 5000, 1), 8, m));
            }
            long[] idValues = new long[B * T];
            long[] targetValues = new long[B * T];
            for (int b = 0; b < B; b++) {
                int pads = b % 4 == 0 ? r.nextInt(T) : 0; // a quarter of the windows are short
                for (int t = pads; t < T; t++) {
                    idValues[b * T + t] = 1 + r.nextInt(ITEMS);
                    targetValues[b * T + t] = 1 + r.nextInt(ITEMS);
                }
            }
            NDArray ids = m.create(idValues, new Shape(B, T));
            NDArray targets = m.create(targetValues, new Shape(B, T));
            long[] negatives = new long[512]; // the default loss at this catalogue size: sampled softmax, 512 negatives
            for (int i = 0; i < negatives.length; i++) {
                negatives[i] = 1 + r.nextInt(ITEMS);
            }
            float[] logQ = new float[negatives.length];
            Arrays.fill(logQ, (float) -Math.log(ITEMS));
            NDList inputs = new NDList(ids, targets, m.create(negatives), m.create(logQ));
            for (EncoderConfig.Kind kind : List.of(EncoderConfig.Kind.SASREC, EncoderConfig.Kind.GRU4REC)) {
                EncoderConfig encoder = new EncoderConfig(kind, ITEMS, DIM, T, 2, 1, 0.2f);
                KdsrTrainingBlock plain = block(encoder, List.of(), 0, m);
                for (int partners : new int[] {0, 16, 8, 4, 2}) {
                    KdsrTrainingBlock kdsr = block(encoder, teachers, partners, m);
                    double[] t = timePair(ps -> plain.forward(ps, inputs, true).head(),
                            ps -> kdsr.forward(ps, inputs, true).head(), m);
                    System.out.printf(Locale.ROOT, "PROFILE kdsr-%s step, dissected partners %2d: %.3f s, backbone %.3f s,"
                            + " ratio %.2fx (median of per-round ratios)%n", kind, partners, t[1], t[0], t[2]);
                }
            }
            KdsrTrainingBlock kdsr = block(new EncoderConfig(EncoderConfig.Kind.SASREC, ITEMS, DIM, T, 2, 1, 0.2f),
                    teachers, 0, m);
            double base = time(ps -> kdsr.backbone().items().table(ps, m.getDevice(), true).sum(), m);
            report("part: fused item table (2 modalities) minus ID table",
                    time(ps -> kdsr.itemTable(ps, m.getDevice(), true).sum(), m) - base, Double.NaN);
            NDArray pairs = HolisticCorrelationLoss.pairMask(ids.neq(0).toType(DataType.FLOAT32, false));
            report("part: holistic loss (2 modalities)", time(ps -> {
                NDArray loss = m.zeros(new Shape());
                for (int i = 0; i < 2; i++) {
                    ModalityStudentBlock s = kdsr.students().get(i);
                    NDArray rows = ItemEmbeddingBlock.lookup(s.table(ps, m.getDevice(), true), ids);
                    NDArray teacher = HolisticCorrelationLoss.cosineMatrix(ItemEmbeddingBlock.lookup(teachers.get(i).features(), ids));
                    loss = loss.add(HolisticCorrelationLoss.sigmoidMse(
                            HolisticCorrelationLoss.cosineMatrix(s.correlationView(ps, rows, true)), teacher, pairs, 1.5f));
                }
                return loss;
            }, m), Double.NaN);
            report("part: dissected teacher codes, all pairs (2 modalities)", time(ps -> {
                for (ModalityTeacher t : teachers) {
                    DissectedCorrelationLoss.codes(ItemEmbeddingBlock.lookup(t.chunks(), ids).reshape(B, T, 8, -1), t.centroids());
                }
                return null;
            }, m), Double.NaN);
            NDArray codes = DissectedCorrelationLoss.codes(
                    ItemEmbeddingBlock.lookup(teachers.get(0).chunks(), ids).reshape(B, T, 8, -1), teachers.get(0).centroids());
            report("part: dissected student logits + CE, all pairs (2 modalities)", time(ps -> {
                NDArray loss = m.zeros(new Shape());
                for (ModalityStudentBlock s : kdsr.students()) {
                    NDArray rows = ItemEmbeddingBlock.lookup(s.table(ps, m.getDevice(), true), ids);
                    loss = loss.add(DissectedCorrelationLoss.loss(s.codeLogits(ps, rows, true), codes, pairs));
                }
                return loss;
            }, m), Double.NaN);
            for (int partners : new int[] {16, 8, 4, 2}) {
                CorrelationPairs sampled = CorrelationPairs.sample(idValues, B, T, partners, r);
                report("part: sampling " + partners + " partners (Java, " + sampled.size() + " pairs)", time(ps -> {
                    CorrelationPairs.sample(idValues, B, T, partners, r);
                    return null;
                }, m), Double.NaN);
                NDArray left = m.create(sampled.left());
                NDArray right = m.create(sampled.right());
                NDArray weights = m.create(sampled.weights());
                report("part: dissected teacher codes, " + partners + " partners (2 modalities)", time(ps -> {
                    for (ModalityTeacher t : teachers) {
                        DissectedCorrelationLoss.pairCodes(ItemEmbeddingBlock.lookup(t.chunks(), left).reshape(-1, 8, 8),
                                ItemEmbeddingBlock.lookup(t.chunks(), right).reshape(-1, 8, 8), t.centroids());
                    }
                    return null;
                }, m), Double.NaN);
                NDArray pairCodes = DissectedCorrelationLoss.pairCodes(
                        ItemEmbeddingBlock.lookup(teachers.get(0).chunks(), left).reshape(-1, 8, 8),
                        ItemEmbeddingBlock.lookup(teachers.get(0).chunks(), right).reshape(-1, 8, 8), teachers.get(0).centroids());
                report("part: dissected student logits + CE, " + partners + " partners (2 modalities)", time(ps -> {
                    NDArray loss = m.zeros(new Shape());
                    for (ModalityStudentBlock s : kdsr.students()) {
                        NDArray table = s.table(ps, m.getDevice(), true);
                        loss = loss.add(DissectedCorrelationLoss.pairLoss(s.pairCodeLogits(ps,
                                ItemEmbeddingBlock.lookup(table, left), ItemEmbeddingBlock.lookup(table, right), true),
                                pairCodes, weights));
                    }
                    return loss;
                }, m), Double.NaN);
            }
        }
    }

    private static KdsrTrainingBlock block(EncoderConfig encoder, List<ModalityTeacher> teachers, int partners, NDManager m) {
        KdsrConfig d = KdsrConfig.defaults();
        KdsrConfig kdsr = new KdsrConfig(d.lambda1(), d.lambda2(), d.tau(), d.codebookD(), d.codebookK(), d.holistic(),
                d.async(), d.asyncFactor(), d.aeNoise(), d.aeEpochs(), partners);
        KdsrTrainingBlock block = new KdsrTrainingBlock(new SequenceModelBlock(encoder), teachers, kdsr,
                NextItemLoss.Kind.SAMPLED_SOFTMAX, 1);
        block.initialize(m, DataType.FLOAT32, new Shape(B, T), new Shape(B, T));
        return block;
    }

    /** Median seconds of forward (+ backward when {@code f} returns a loss) over {@code repeats} after one warm-up. */
    private static double time(Function<ParameterStore, NDArray> f, NDManager m) {
        return time(f, m, REPEATS);
    }

    private static double time(Function<ParameterStore, NDArray> f, NDManager m, int repeats) {
        double[] seconds = new double[repeats];
        for (int i = -1; i < repeats; i++) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                ParameterStore ps = new ParameterStore(m, false);
                long start = System.nanoTime();
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = f.apply(ps);
                    if (loss != null) {
                        gc.backward(loss);
                    }
                }
                if (i >= 0) {
                    seconds[i] = (System.nanoTime() - start) / 1e9;
                }
            }
        }
        Arrays.sort(seconds);
        return seconds[repeats / 2];
    }

    /** Medians of {@code a} and {@code b} timed alternately (contention hits both alike), and of b / a per round. */
    private static double[] timePair(Function<ParameterStore, NDArray> a, Function<ParameterStore, NDArray> b, NDManager m) {
        double[] ta = new double[REPEATS];
        double[] tb = new double[REPEATS];
        double[] ratio = new double[REPEATS];
        for (int i = 0; i < REPEATS; i++) {
            ta[i] = time(a, m, 1);
            tb[i] = time(b, m, 1);
            ratio[i] = tb[i] / ta[i];
        }
        Arrays.sort(ta);
        Arrays.sort(tb);
        Arrays.sort(ratio);
        return new double[] {ta[REPEATS / 2], tb[REPEATS / 2], ratio[REPEATS / 2]};
    }

    private static void report(String what, double seconds, double backbone) {
        System.out.printf(Locale.ROOT, "PROFILE %-62s %8.3f s%s%n", what, seconds,
                Double.isNaN(backbone) ? "" : String.format(Locale.ROOT, "  (%.2fx backbone)", seconds / backbone));
    }
}
