package dev.streamrec.model.missrec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

class BlocksTest {

    private static final float TOL = 1e-4f;

    private static MissRecConfig config() {
        return SyntheticData.config(MissRecConfig.Mode.INDUCTIVE, MissRecConfig.InterestMethod.DPC_KNN);
    }

    @Test
    void shouldComputeDenseAndNormValues() {
        try (NDManager m = NDManager.newBaseManager(); Parameters p = new Parameters(m)) {
            Dense dense = new Dense(p, "d", 2, 2);
            p.get("d.weight").set(new float[] {1, 2, 3, 4});
            p.get("d.bias").set(new float[] {0.5f, -0.5f});
            // [1, 1] . [[1, 2], [3, 4]] + b = [4.5, 5.5]
            assertArrayEquals(new float[] {4.5f, 5.5f}, dense.forward(m.create(new float[][] {{1, 1}})).toFloatArray(), TOL);
            Norm norm = new Norm(p, "n", 4);
            float[] y = norm.forward(m.create(new float[][] {{1, 2, 3, 4}})).toFloatArray();
            // mean 2.5, population variance 1.25
            float s = (float) Math.sqrt(1.25);
            assertArrayEquals(new float[] {-1.5f / s, -0.5f / s, 0.5f / s, 1.5f / s}, y, TOL);
        }
    }

    @Test
    void shouldIgnorePaddedKeysInAttentionAndKeepShapes() {
        Engine.getInstance().setRandomSeed(1);
        MissRecConfig c = config();
        try (NDManager m = NDManager.newBaseManager(); Parameters p = new Parameters(m)) {
            MultiHeadAttention att = new MultiHeadAttention(p, "a", c.hidden(), c.heads(), 0f);
            NDArray q = m.randomNormal(new Shape(2, 3, c.hidden()));
            NDArray kv = m.randomNormal(new Shape(2, 5, c.hidden()));
            NDArray mask = m.create(new float[][] {{1, 1, 1, 0, 0}, {1, 1, 1, 1, 1}});
            NDArray out = att.forward(q, kv, mask, false);
            assertEquals(new Shape(2, 3, c.hidden()), out.getShape());
            // changing the padded keys of row 0 must not change row 0's output
            NDArray changed = kv.duplicate();
            changed.set(new ai.djl.ndarray.index.NDIndex("0, 3:"), 100f);
            NDArray out2 = att.forward(q, changed, mask, false);
            assertArrayEquals(out.get(0).toFloatArray(), out2.get(0).toFloatArray(), TOL);

            EncoderLayer enc = new EncoderLayer(p, "e", c);
            DecoderLayer dec = new DecoderLayer(p, "dd", c);
            NDArray memory = enc.forward(kv, mask, false);
            assertEquals(new Shape(2, 5, c.hidden()), memory.getShape());
            NDArray h = dec.forward(q, m.ones(new Shape(2, 3)), memory, mask, false);
            assertEquals(new Shape(2, 3, c.hidden()), h.getShape());
            // post-LN: every output row is normalised (mean 0, unit variance; gains are 1, biases 0)
            float[] row = h.get("0, 0").toFloatArray();
            double mean = 0;
            for (float v : row) {
                mean += v / row.length;
            }
            assertEquals(0.0, mean, TOL);
        }
    }

    @Test
    void shouldGiveTheFullDecoderLayersOutputAtTheChosenPositions() {
        Engine.getInstance().setRandomSeed(2);
        MissRecConfig c = config();
        try (NDManager m = NDManager.newBaseManager(); Parameters p = new Parameters(m)) {
            DecoderLayer dec = new DecoderLayer(p, "dd", c);
            NDArray x = m.randomNormal(new Shape(2, 4, c.hidden()));
            NDArray mask = m.create(new float[][] {{1, 1, 1, 0}, {1, 1, 1, 1}});
            NDArray memory = m.randomNormal(new Shape(2, 3, c.hidden()));
            NDArray memoryMask = m.create(new float[][] {{1, 1, 0}, {1, 1, 1}});
            // each sequence's last item: position 2 of row 0, 3 of row 1, picked as the model picks it
            NDArray last = m.create(new float[][] {{0, 0, 1, 0}, {0, 0, 0, 1}}).expandDims(1);
            NDArray full = dec.forward(x, mask, memory, memoryMask, false);
            NDArray at = dec.forwardAt(last.matMul(x), x, mask, memory, memoryMask, false);
            assertEquals(new Shape(2, 1, c.hidden()), at.getShape());
            assertArrayEquals(full.get("0, 2").toFloatArray(), at.get("0, 0").toFloatArray(), TOL);
            assertArrayEquals(full.get("1, 3").toFloatArray(), at.get("1, 0").toFloatArray(), TOL);
        }
    }
}
