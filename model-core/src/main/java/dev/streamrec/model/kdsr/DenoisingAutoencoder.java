package dev.streamrec.model.kdsr;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * KDSR's offline compression of frozen modality features m_a into m~ = AE(m_a) (models.md §1.2
 * and §7): encoder Linear(in, d) + sigmoid, decoder Linear(d, in), MSE reconstruction, Adam 1e-3,
 * batch 256. Unlike the released code (a plain AE) the input is corrupted with Gaussian noise, as
 * the paper says denoising. The returned codes are mean-centred over the items that have a
 * feature, so that their cosines spread over [-1, 1] instead of crowding near 1 (sigmoid outputs
 * are all positive); items without a feature keep a zero row.
 */
public final class DenoisingAutoencoder {

    private static final int BATCH = 256;
    private static final float LR = 1e-3f;

    private DenoisingAutoencoder() {}

    /**
     * Fits the AE on the non-zero rows of {@code features} [N+1][in] and returns centred codes
     * [N+1][dim].
     */
    public static float[][] fitAndEncode(float[][] features, int dim, double noise, int epochs, long seed) {
        List<Integer> present = new ArrayList<>();
        for (int i = 1; i < features.length; i++) {
            if (norm(features[i]) > 0) {
                present.add(i);
            }
        }
        int in = features[0].length;
        float noiseStd = (float) (noise * featureStd(features, present));
        Engine.getInstance().setRandomSeed((int) seed);
        SequentialBlock encoder = new SequentialBlock()
                .add(Linear.builder().setUnits(dim).build())
                .add(Activation::sigmoid);
        SequentialBlock ae = new SequentialBlock().add(encoder).add(Linear.builder().setUnits(in).build());
        float[][] codes = new float[features.length][dim];
        try (Model model = Model.newInstance("kdsr-ae")) {
            model.setBlock(ae);
            DefaultTrainingConfig cfg = new DefaultTrainingConfig(Loss.l2Loss())
                    .optOptimizer(Adam.builder().optLearningRateTracker(Tracker.fixed(LR)).build());
            try (Trainer trainer = model.newTrainer(cfg)) {
                trainer.initialize(new Shape(BATCH, in));
                Random random = new Random(seed);
                NDManager m = trainer.getManager();
                for (int epoch = 0; epoch < epochs; epoch++) {
                    Collections.shuffle(present, random);
                    for (int from = 0; from < present.size(); from += BATCH) {
                        List<Integer> rows = present.subList(from, Math.min(present.size(), from + BATCH));
                        try (NDManager bm = m.newSubManager()) {
                            NDArray x = bm.create(rowsOf(features, rows));
                            NDArray noisy = x.add(bm.randomNormal(0f, noiseStd, x.getShape(), x.getDataType()));
                            try (GradientCollector gc = trainer.newGradientCollector()) {
                                NDArray recon = trainer.forward(new NDList(noisy)).head();
                                NDArray loss = recon.sub(x).square().mean();
                                gc.backward(loss);
                            }
                            trainer.step();
                        }
                    }
                }
                try (NDManager bm = m.newSubManager()) {
                    NDArray x = bm.create(rowsOf(features, present));
                    NDArray z = encoder.forward(new ai.djl.training.ParameterStore(bm, false), new NDList(x), false).head();
                    float[] flat = z.toFloatArray();
                    for (int r = 0; r < present.size(); r++) {
                        System.arraycopy(flat, r * dim, codes[present.get(r)], 0, dim);
                    }
                }
            }
        }
        centre(codes, present);
        return codes;
    }

    static void centre(float[][] codes, List<Integer> rows) {
        int dim = codes[0].length;
        double[] mean = new double[dim];
        for (int r : rows) {
            for (int j = 0; j < dim; j++) {
                mean[j] += codes[r][j];
            }
        }
        for (int r : rows) {
            for (int j = 0; j < dim; j++) {
                codes[r][j] -= (float) (mean[j] / rows.size());
            }
        }
    }

    private static float[][] rowsOf(float[][] features, List<Integer> rows) {
        float[][] out = new float[rows.size()][];
        for (int r = 0; r < out.length; r++) {
            out[r] = features[rows.get(r)];
        }
        return out;
    }

    private static double featureStd(float[][] f, List<Integer> rows) {
        double sum = 0;
        double sq = 0;
        long n = 0;
        for (int r : rows) {
            for (float v : f[r]) {
                sum += v;
                sq += v * v;
                n++;
            }
        }
        double mean = sum / Math.max(1, n);
        return Math.sqrt(Math.max(0, sq / Math.max(1, n) - mean * mean));
    }

    static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }
}
