package dev.streamrec.model.kdsr;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Locale;

/**
 * The immutable, validated KDSR hyper-parameters (Hu et al., ECIR 2024; see models.md §1, §7, §8):
 * loss weights λ1 (holistic, L_SKD) and λ2 (dissected, L_CKD), temperature τ, the codebook's chunk
 * count D and size K, the holistic loss form, the asynchronous learning step (modality tables
 * learn at {@code asyncFactor} × lr), the denoising autoencoder's noise and epochs, and how many
 * partners per position the dissected loss samples ({@code dissectedPairs}; 0 = all pairs, the
 * paper's exact mean; see {@link CorrelationPairs}). Training-only:
 * recorded in the artifact for provenance, never needed to serve.
 */
public final class KdsrConfig {

    /** The holistic loss form: the paper's sigmoid MSE, or the released code's masked L2. */
    public enum Holistic {
        SIGMOID_MSE, MASKED_L2;

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Holistic of(String id) {
            for (Holistic h : values()) {
                if (h.id().equals(id)) {
                    return h;
                }
            }
            throw new IllegalArgumentException("unknown holistic loss '" + id + "' (sigmoid-mse or masked-l2)");
        }
    }

    private final double lambda1;
    private final double lambda2;
    private final double tau;
    private final int codebookD;
    private final int codebookK;
    private final Holistic holistic;
    private final boolean async;
    private final double asyncFactor;
    private final double aeNoise;
    private final int aeEpochs;
    private final int dissectedPairs;

    public KdsrConfig(double lambda1, double lambda2, double tau, int codebookD, int codebookK, Holistic holistic,
            boolean async, double asyncFactor, double aeNoise, int aeEpochs, int dissectedPairs) {
        require(lambda1 >= 0 && lambda2 >= 0, "lambda1 and lambda2 must be >= 0");
        require(tau > 0, "tau must be > 0");
        require(codebookD >= 1 && codebookK >= 2, "codebook-d must be >= 1 and codebook-k >= 2");
        require(asyncFactor > 0 && asyncFactor <= 1, "async factor must be in (0, 1]");
        require(aeNoise >= 0, "ae noise must be >= 0");
        require(aeEpochs >= 1, "ae epochs must be >= 1");
        require(dissectedPairs >= 0, "dissected pairs must be >= 0 (0 = all pairs)");
        this.lambda1 = lambda1;
        this.lambda2 = lambda2;
        this.tau = tau;
        this.codebookD = codebookD;
        this.codebookK = codebookK;
        this.holistic = holistic;
        this.async = async;
        this.asyncFactor = asyncFactor;
        this.aeNoise = aeNoise;
        this.aeEpochs = aeEpochs;
        this.dissectedPairs = dissectedPairs;
    }

    /**
     * The project defaults (see docs/results-kdsr.md for how they were chosen). The dissected loss
     * samples 2 partners per position: an unbiased estimate of the all-pairs mean at about 2/T of
     * its cost, the most a KDSR step can shed towards its backbone's (the dissected loss is most of
     * the difference); at 4,000 steps on MovieLens it scored as 4 partners did (docs/results-kdsr.md).
     */
    public static KdsrConfig defaults() {
        return new KdsrConfig(1.0, 0.1, 1.5, 8, 50, Holistic.SIGMOID_MSE, true, 0.25, 0.1, 40, 2);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public double lambda1() {
        return lambda1;
    }

    public double lambda2() {
        return lambda2;
    }

    public double tau() {
        return tau;
    }

    public int codebookD() {
        return codebookD;
    }

    public int codebookK() {
        return codebookK;
    }

    public Holistic holistic() {
        return holistic;
    }

    public boolean async() {
        return async;
    }

    public double asyncFactor() {
        return asyncFactor;
    }

    /** Standard deviation of the Gaussian input noise of the denoising AE, relative to the feature std. */
    public double aeNoise() {
        return aeNoise;
    }

    public int aeEpochs() {
        return aeEpochs;
    }

    /** Partners sampled per position for the dissected loss; 0: all pairs (the paper's exact mean). */
    public int dissectedPairs() {
        return dissectedPairs;
    }

    /** Records the values (provenance only; the serving artifact does not need them). */
    public void writeTo(ObjectNode node) {
        node.put("lambda1", lambda1);
        node.put("lambda2", lambda2);
        node.put("tau", tau);
        node.put("codebookD", codebookD);
        node.put("codebookK", codebookK);
        node.put("holistic", holistic.id());
        node.put("async", async);
        node.put("asyncFactor", asyncFactor);
        node.put("aeNoise", aeNoise);
        node.put("aeEpochs", aeEpochs);
        node.put("dissectedPairs", dissectedPairs);
    }
}
