package dev.streamrec.model.missrec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Test;

import java.util.List;

class DynamicFusionTest {

    private static final float TOL = 1e-5f;

    private static final float[][] Q = {{0.6f, 0.8f}};
    private static final float[][] TEXT = {{1, 0}, {0, 1}};
    private static final float[][] IMAGE = {{0, 1}, {-1, 0}};
    private static final float[][] IDS = {{0.8f, 0.6f}, {1, 0}};

    /** Hand computation: s = (q.text_j, q.image_j); w = softmax(a*s); fused = w.s. */
    private static float fused(int j, float a) {
        float st = Q[0][0] * TEXT[j][0] + Q[0][1] * TEXT[j][1];
        float si = Q[0][0] * IMAGE[j][0] + Q[0][1] * IMAGE[j][1];
        double et = Math.exp(a * st);
        double ei = Math.exp(a * si);
        return (float) ((et * st + ei * si) / (et + ei));
    }

    @Test
    void shouldEqualTheHandComputedFormula() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray q = m.create(Q);
            List<NDArray> mods = List.of(m.create(TEXT), m.create(IMAGE));
            float a = 1.7f;
            float[] dyn = DynamicFusion.score(q, mods, m.create(new float[] {a}), null, MissRecConfig.Fusion.DYNAMIC).toFloatArray();
            assertEquals(fused(0, a), dyn[0], TOL); // s = (0.6, 0.8)
            assertEquals(fused(1, a), dyn[1], TOL); // s = (0.8, -0.6)

            float[] stat = DynamicFusion.score(q, mods, m.create(new float[] {a}), null, MissRecConfig.Fusion.STATIC).toFloatArray();
            assertEquals((0.6f + 0.8f) / 2, stat[0], TOL);
            assertEquals((0.8f - 0.6f) / 2, stat[1], TOL);

            float[] per = DynamicFusion.score(q, mods, m.create(new float[] {0f, 3f}), null, MissRecConfig.Fusion.PER_ITEM)
                    .toFloatArray();
            assertEquals(fused(0, 0f), per[0], TOL);
            assertEquals(fused(1, 3f), per[1], TOL);

            float[] trans = DynamicFusion.score(q, mods, m.create(new float[] {a}), m.create(IDS), MissRecConfig.Fusion.DYNAMIC)
                    .toFloatArray();
            assertEquals((0.6f * 0.8f + 0.8f * 0.6f + 2 * fused(0, a)) / 3, trans[0], TOL);
            assertEquals((0.6f + 2 * fused(1, a)) / 3, trans[1], TOL);
        }
    }

    /** Two modalities take the softmax's closed form; any other number, the softmax itself. */
    @Test
    void shouldFuseThreeModalitiesWithTheSoftmax() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray q = m.create(Q);
            float[][] audio = {{-0.6f, 0.8f}, {0.6f, 0.8f}};
            float a = 2.3f;
            float[] three = DynamicFusion.score(q, List.of(m.create(TEXT), m.create(IMAGE), m.create(audio)),
                    m.create(new float[] {a}), null, MissRecConfig.Fusion.DYNAMIC).toFloatArray();
            for (int j = 0; j < 2; j++) {
                double num = 0;
                double den = 0;
                for (float[][] mod : List.of(TEXT, IMAGE, audio)) {
                    double s = Q[0][0] * mod[j][0] + Q[0][1] * mod[j][1];
                    num += Math.exp(a * s) * s;
                    den += Math.exp(a * s);
                }
                assertEquals(num / den, three[j], TOL, "item " + j);
            }
        }
    }
}
