package dev.streamrec.model.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SequenceScorerTest {

    /**
     * Windows of 1,000 items are scored in parts (34 rows of 1,000² logits exceed one pass's
     * budget), and every row gets the scores it gets alone.
     */
    @Test
    void longWindowsScoredInPartsGetTheScoresTheyGetAlone() {
        Engine.getInstance().setRandomSeed(5);
        try (NDManager m = NDManager.newBaseManager()) {
            int len = 1_000;
            SequenceModelBlock block = new SequenceModelBlock(new EncoderConfig(EncoderConfig.Kind.SASREC, 30, 4, len, 1, 1, 0f,
                    EncoderConfig.Positions.ROTARY));
            block.initialize(m, DataType.FLOAT32, new Shape(1, len));
            SequenceScorer scorer = SequenceScorer.idOnly(block, m);
            int rows = (int) (SequenceScorer.ATTENTION_ELEMENTS / ((long) len * len)) + 1;
            Random random = new Random(1);
            int[][] histories = new int[rows][];
            for (int r = 0; r < rows; r++) {
                histories[r] = random.ints(len - r % 3, 1, 31).toArray();
            }
            float[][] together = scorer.score(histories);
            assertEquals(rows, together.length);
            for (int r : new int[] {0, rows / 2, rows - 1}) {
                assertArrayEquals(scorer.score(new int[][] {histories[r]})[0], together[r], 1e-4f);
            }
        }
    }
}
