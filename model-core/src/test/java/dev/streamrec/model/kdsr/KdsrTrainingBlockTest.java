package dev.streamrec.model.kdsr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.streamrec.model.backbone.EncoderConfig;
import dev.streamrec.model.backbone.NextItemLoss;
import dev.streamrec.model.backbone.SequenceModelBlock;
import dev.streamrec.model.train.TensorWrites;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KdsrTrainingBlockTest {

    private static final float TOLERANCE = 1e-5f;
    private static final int LEN = 4;

    @Test
    void shouldComputeTheChosenRecommendationLoss() {
        Engine.getInstance().setRandomSeed(3);
        try (NDManager m = NDManager.newBaseManager()) {
            SequenceModelBlock backbone = new SequenceModelBlock(new EncoderConfig(EncoderConfig.Kind.SASREC, 12, 8, LEN, 1, 1, 0f));
            NDArray ids = m.create(new long[] {0, 1, 2, 3, 4, 5, 6, 7}, new Shape(2, LEN));
            NDArray targets = m.create(new long[] {0, 2, 3, 4, 5, 6, 7, 8}, new Shape(2, LEN));
            NDArray negatives = m.create(new long[] {9, 3, 11});
            NDArray logQ = m.create(new float[] {-0.5f, 0.2f, 1f});
            KdsrTrainingBlock legacy = new KdsrTrainingBlock(backbone, List.of(), KdsrConfig.defaults());
            legacy.initialize(m, DataType.FLOAT32, new Shape(2, LEN), new Shape(2, LEN));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray table = legacy.itemTable(ps, m.getDevice(), false);
            NDArray hidden = backbone.encode(ps, table, ids, false);

            // built without a kind: chosen by the inputs, as before the loss option
            assertEquals(NextItemLoss.fullSoftmax(hidden, table, targets).getFloat(), rec(legacy, ps, ids, targets), TOLERANCE);
            assertEquals(NextItemLoss.sampledSoftmax(hidden, table, targets, negatives).getFloat(),
                    rec(legacy, ps, ids, targets, negatives), TOLERANCE);

            KdsrTrainingBlock sampled = withLoss(backbone, NextItemLoss.Kind.SAMPLED_SOFTMAX);
            assertEquals(NextItemLoss.sampledSoftmax(hidden, table, targets, negatives, logQ).getFloat(),
                    rec(sampled, ps, ids, targets, negatives, logQ), TOLERANCE);
            assertEquals(NextItemLoss.bce(hidden, table, targets, negatives).getFloat(),
                    rec(withLoss(backbone, NextItemLoss.Kind.BCE), ps, ids, targets, negatives), TOLERANCE);
            assertEquals(NextItemLoss.fullSoftmax(hidden, table, targets).getFloat(),
                    rec(withLoss(backbone, NextItemLoss.Kind.FULL_SOFTMAX), ps, ids, targets), TOLERANCE);
            assertThrows(IllegalArgumentException.class, () -> rec(sampled, ps, ids, targets));
        }
    }

    @Test
    void shouldEstimateTheAllPairsDissectedLossFromSampledPartners() {
        Engine.getInstance().setRandomSeed(3);
        int len = 6;
        try (NDManager m = NDManager.newBaseManager()) {
            Random r = new Random(4);
            float[][] codes = new float[13][8];
            for (int i = 1; i < codes.length; i++) {
                for (int j = 0; j < 8; j++) {
                    codes[i][j] = (float) r.nextGaussian();
                }
            }
            CorrelationCodebook book = new CorrelationCodebook(new float[][] {{1, 1}, {0.5f, 0}, {0, 0.5f}, {0, 0}});
            ModalityTeacher teacher = new ModalityTeacher("t", codes, book, 2, m);
            NDArray ids = m.create(new long[] {0, 0, 1, 2, 3, 3, 4, 5, 6, 7, 8, 9, 0, 0, 0, 0, 10, 11}, new Shape(3, len));
            NDArray targets = m.create(new long[] {0, 0, 2, 3, 3, 4, 5, 6, 7, 8, 9, 10, 0, 0, 0, 0, 11, 12}, new Shape(3, len));
            KdsrTrainingBlock exact = kdsrBlock(teacher, 0, len, m);
            KdsrTrainingBlock covering = kdsrBlock(teacher, len, len, m); // every sequence's partners covered
            KdsrTrainingBlock sampled = kdsrBlock(teacher, 1, len, m);
            copyParameters(exact, covering);
            copyParameters(exact, sampled);
            ParameterStore ps = new ParameterStore(m, false);
            NDList all = exact.forward(ps, new NDList(ids, targets), false);
            NDList covered = covering.forward(ps, new NDList(ids, targets), false);
            for (int part = 0; part < 4; part++) {
                assertEquals(all.get(part).getFloat(), covered.get(part).getFloat(), TOLERANCE);
            }
            float truth = all.get(3).getFloat();
            int draws = 400;
            double sum = 0;
            double sumSq = 0;
            for (int d = 0; d < draws; d++) {
                double estimate = sampled.forward(ps, new NDList(ids, targets), false).get(3).getFloat();
                sum += estimate;
                sumSq += estimate * estimate;
            }
            double mean = sum / draws;
            double stdError = Math.sqrt(Math.max(0, sumSq / draws - mean * mean) / draws);
            assertEquals(truth, mean, Math.max(4 * stdError, 1e-4), "sampled dissected loss vs all pairs");
        }
    }

    /** A KDSR block (one modality, D = 2, K = 4) with {@code partners} per position, initialised. */
    private static KdsrTrainingBlock kdsrBlock(ModalityTeacher teacher, int partners, int len, NDManager m) {
        KdsrConfig kdsr = new KdsrConfig(1.0, 1.0, 1.5, 2, 4, KdsrConfig.Holistic.SIGMOID_MSE, true, 0.25, 0.1, 1, partners);
        SequenceModelBlock backbone = new SequenceModelBlock(new EncoderConfig(EncoderConfig.Kind.SASREC, 12, 8, len, 1, 1, 0f));
        KdsrTrainingBlock block = new KdsrTrainingBlock(backbone, List.of(teacher), kdsr, NextItemLoss.Kind.FULL_SOFTMAX, 17);
        block.initialize(m, DataType.FLOAT32, new Shape(3, len), new Shape(3, len));
        block.initialiseModalityTables();
        return block;
    }

    private static void copyParameters(KdsrTrainingBlock from, KdsrTrainingBlock to) {
        var source = from.getParameters();
        var target = to.getParameters();
        assertEquals(source.size(), target.size());
        for (int i = 0; i < source.size(); i++) {
            TensorWrites.overwrite(target.get(i).getValue().getArray(), source.get(i).getValue().getArray().toFloatArray());
        }
    }

    /** A second block over the same (initialised) backbone with an explicit loss. */
    private static KdsrTrainingBlock withLoss(SequenceModelBlock backbone, NextItemLoss.Kind loss) {
        return new KdsrTrainingBlock(backbone, List.of(), KdsrConfig.defaults(), loss);
    }

    private static float rec(KdsrTrainingBlock block, ParameterStore ps, NDArray... inputs) {
        return block.forward(ps, new NDList(inputs), false).get(1).getFloat();
    }
}
