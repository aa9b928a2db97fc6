package dev.streamrec.model.kdsr;

import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.PairList;
import dev.streamrec.model.backbone.EncoderConfig;
import dev.streamrec.model.backbone.SequenceModelBlock;
import dev.streamrec.model.train.TensorWrites;

import java.util.Random;

/**
 * Grows a served sequence model's catalogue for items that appeared in the stream after it was
 * trained: a new backbone with {@code numItems} rows whose encoder weights and existing item rows
 * are copied unchanged, and whose new rows (appended after the old ones, the order of the grown
 * {@code ItemIndex}) start at the mean of the existing item rows plus Gaussian noise of
 * {@link #NOISE_SCALE} times the table's per-dimension standard deviation. The mean is a neutral
 * prior ("an average item"), so a new item neither dominates nor vanishes from the ranking before
 * fine-tuning has moved it; the noise breaks the symmetry between new items.
 */
final class CatalogueGrowth {

    /** Noise of the new rows, relative to the per-dimension spread of the existing rows. */
    static final double NOISE_SCALE = 0.1;

    private CatalogueGrowth() {}

    /** A new model owning a backbone of {@code numItems} items; the served one is left as it is. */
    static KdsrArtifacts.LoadedSequenceModel grow(KdsrArtifacts.LoadedSequenceModel served, int numItems, long seed) {
        EncoderConfig old = served.block().config();
        if (numItems < old.numItems()) {
            throw new IllegalArgumentException("a catalogue only grows: " + numItems + " < " + old.numItems());
        }
        EncoderConfig cfg = old.withNumItems(numItems);
        Model model = Model.newInstance(served.model().getName(), served.model().getNDManager().getDevice());
        try {
            SequenceModelBlock block = new SequenceModelBlock(cfg);
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, cfg.maxLen()));
            PairList<String, Parameter> from = served.block().getParameters();
            PairList<String, Parameter> to = block.getParameters();
            Parameter table = block.items().weight();
            for (int p = 0; p < to.size(); p++) {
                if (!from.keyAt(p).equals(to.keyAt(p))) {
                    throw new IllegalStateException("parameter " + p + ": " + from.keyAt(p) + " vs " + to.keyAt(p));
                }
                float[] values = from.get(p).getValue().getArray().toFloatArray();
                Parameter target = to.get(p).getValue();
                TensorWrites.overwrite(target.getArray(),
                        target == table ? grownTable(values, old.numItems(), numItems, cfg.dim(), seed) : values);
            }
            model.setBlock(block);
            return new KdsrArtifacts.LoadedSequenceModel(model, block);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The table [old+1, d] (row 0 = padding) extended to [numItems+1, d], row-major. */
    static float[] grownTable(float[] table, int oldItems, int numItems, int dim, long seed) {
        double[] mean = new double[dim];
        double[] sq = new double[dim];
        for (int r = 1; r <= oldItems; r++) {
            for (int k = 0; k < dim; k++) {
                double v = table[r * dim + k];
                mean[k] += v;
                sq[k] += v * v;
            }
        }
        float[] out = java.util.Arrays.copyOf(table, (numItems + 1) * dim);
        Random random = new Random(seed);
        for (int k = 0; k < dim; k++) {
            mean[k] /= oldItems;
            sq[k] = Math.sqrt(Math.max(0, sq[k] / oldItems - mean[k] * mean[k]));
        }
        for (int r = oldItems + 1; r <= numItems; r++) {
            for (int k = 0; k < dim; k++) {
                out[r * dim + k] = (float) (mean[k] + NOISE_SCALE * sq[k] * random.nextGaussian());
            }
        }
        return out;
    }
}
