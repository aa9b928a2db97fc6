package dev.streamrec.model.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import org.junit.jupiter.api.Test;

class CausalSelfAttentionBlockTest {

    private static final float TOLERANCE = 1e-5f;

    @Test
    void shouldBuildCausalAndPaddingMask() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray mask = CausalSelfAttentionBlock.attentionMask(m.create(new float[] {0, 1, 1}, new Shape(1, 3)));
            assertEquals(new Shape(1, 1, 3, 3), mask.getShape());
            float x = -CausalSelfAttentionBlock.MASKED;
            float[] expected = {
                -x, -x, -x, // query 0: its only visible key is padding
                -x, 0, -x, // query 1 sees key 1
                -x, 0, 0 // query 2 sees keys 1 and 2
            };
            assertArrayEquals(expected, mask.toFloatArray(), TOLERANCE);
        }
    }

    @Test
    void shouldMatchHandComputedAttentionWithIdentityProjections() {
        try (NDManager m = NDManager.newBaseManager()) {
            CausalSelfAttentionBlock block = new CausalSelfAttentionBlock(2, 1, 0f);
            block.initialize(m, DataType.FLOAT32, new Shape(1, 2, 2), new Shape(1, 2));
            for (Pair<String, Parameter> p : block.getParameters()) {
                NDArray a = p.getValue().getArray();
                a.set(p.getKey().endsWith("weight") ? m.eye(2).toFloatArray() : new float[] {0, 0});
            }
            float[] x = {1, 0, 0, 2}; // x0 = (1, 0), x1 = (0, 2)
            NDArray out = block.forward(new ParameterStore(m, false),
                    new NDList(m.create(x, new Shape(1, 2, 2)), m.ones(new Shape(1, 2))), false).head();
            // position 0 sees only x0; position 1: logits x1·x0/√2 = 0 and x1·x1/√2 = 4/√2.
            double w1 = Math.exp(4 / Math.sqrt(2)) / (1 + Math.exp(4 / Math.sqrt(2)));
            float[] expected = {1, 0, (float) (1 - w1), (float) (2 * w1)};
            assertArrayEquals(expected, out.toFloatArray(), TOLERANCE);
        }
    }
}
