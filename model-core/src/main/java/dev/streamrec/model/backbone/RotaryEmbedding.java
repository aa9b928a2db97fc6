package dev.streamrec.model.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embeddings (RoPE, Su et al. 2021, the "rotate half" layout of GPT-NeoX and
 * LLaMA): the two halves of a head vector are paired, and pair i is rotated by the angle
 * p·θ_i at position p, θ_i = 10000^(-2i/dh). Rotations compose, so the dot product of a query
 * rotated to position a and a key rotated to position b is that of the query unrotated and the key
 * rotated to b - a: attention logits depend only on the offset between positions. That is what
 * lets {@link SasRecStepper} cache keys rotated at their absolute positions ({@link #rowTable}):
 * a cached key is then never rotated again, and the angles, computed in double precision in Java
 * and rounded to float once, lose nothing however long the history.
 */
public final class RotaryEmbedding {

    private static final double BASE = 10_000;

    private RotaryEmbedding() {}

    /** θ_i = 10000^(-2i/dh) of the dh/2 pairs of a head. */
    public static double[] frequencies(int dh) {
        if (dh % 2 != 0) {
            throw new IllegalArgumentException("rotary positions need an even head size, not " + dh);
        }
        double[] theta = new double[dh / 2];
        for (int i = 0; i < theta.length; i++) {
            theta[i] = Math.pow(BASE, -2.0 * i / dh);
        }
        return theta;
    }

    /** cos (first) and sin (second) of the angles of positions {@code from..from+count-1}: (count, dh) each. */
    public static NDList table(NDManager manager, int from, int count, int dh) {
        float[][] cs = cosSin(new long[] {from}, count, dh);
        // duplicate: libtorch-owned copies, safe to keep for a backward pass (see Scalars)
        return new NDList(manager.create(cs[0], new Shape(count, dh)).duplicate(),
                manager.create(cs[1], new Shape(count, dh)).duplicate());
    }

    /**
     * cos (first) and sin (second) of the angles of positions {@code starts[b]..starts[b]+count-1}
     * of each row b: (B, count, 1, dh) each, to rotate projections laid out (B, T, heads, dh)
     * ({@link #rotateHeads}).
     */
    public static NDList rowTable(NDManager manager, long[] starts, int count, int dh) {
        float[][] cs = cosSin(starts, count, dh);
        Shape shape = new Shape(starts.length, count, 1, dh);
        return new NDList(manager.create(cs[0], shape), manager.create(cs[1], shape));
    }

    /**
     * cos and sin of positions starts[b]..starts[b]+count-1 of each b, dh floats per position (each
     * pair's value in both halves), the angles in double and rounded to float once.
     */
    private static float[][] cosSin(long[] starts, int count, int dh) {
        int half = dh / 2;
        double[] theta = frequencies(dh);
        float[] cos = new float[starts.length * count * dh];
        float[] sin = new float[starts.length * count * dh];
        for (int b = 0; b < starts.length; b++) {
            for (int t = 0; t < count; t++) {
                int at = (b * count + t) * dh;
                for (int i = 0; i < half; i++) {
                    double angle = (starts[b] + t) * theta[i];
                    float c = (float) Math.cos(angle);
                    float s = (float) Math.sin(angle);
                    cos[at + i] = c;
                    cos[at + half + i] = c;
                    sin[at + i] = s;
                    sin[at + half + i] = s;
                }
            }
        }
        return new float[][] {cos, sin};
    }

    /** Projections x (B, T, d) of {@code heads} heads rotated head by head by a {@link #rowTable} of their positions: (B, T, d). */
    public static NDArray rotateHeads(NDArray x, NDList rowTable, int heads) {
        Shape shape = x.getShape();
        return rotate(x.reshape(shape.get(0), shape.get(1), heads, -1), rowTable).reshape(shape);
    }

    /** x (..., T, dh) rotated by the table of its T positions ({@link #table}): x·cos + rotateHalf(x)·sin. */
    public static NDArray rotate(NDArray x, NDList table) {
        long dh = x.getShape().getLastDimension();
        long half = dh / 2;
        NDArray first = x.get("..., :" + half);
        NDArray second = x.get("..., " + half + ":");
        NDArray rotated = NDArrays.concat(new NDList(second.neg(), first), -1);
        return x.mul(table.get(0)).add(rotated.mul(table.get(1)));
    }
}
