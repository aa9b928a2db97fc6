package dev.streamrec.model.kdsr;

/**
 * The validated optimisation settings of one training run: epoch limit, batch size, Adam learning
 * rate, early-stopping patience (epochs without a better validation NDCG@10), seed, and the number
 * of sampled negatives (0 = full softmax over the catalogue).
 */
public record TrainingSettings(int epochs, int batchSize, float learningRate, int patience, long seed, int sampledNegatives) {

    public TrainingSettings {
        if (epochs < 1 || batchSize < 1 || patience < 1) {
            throw new IllegalArgumentException("epochs, batch size and patience must be >= 1");
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learning rate must be > 0");
        }
        if (sampledNegatives < 0) {
            throw new IllegalArgumentException("sampled negatives must be >= 0");
        }
    }
}
