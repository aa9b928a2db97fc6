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
import java.util.List;
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

    /** A second block over the same (initialised) backbone with an explicit loss. */
    private static KdsrTrainingBlock withLoss(SequenceModelBlock backbone, NextItemLoss.Kind loss) {
        return new KdsrTrainingBlock(backbone, List.of(), KdsrConfig.defaults(), loss);
    }

    private static float rec(KdsrTrainingBlock block, ParameterStore ps, NDArray... inputs) {
        return block.forward(ps, new NDList(inputs), false).get(1).getFloat();
    }
}
