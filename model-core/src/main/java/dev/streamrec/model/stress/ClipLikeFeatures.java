package dev.streamrec.model.stress;

import dev.streamrec.model.data.ModalityFeatures;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Synthetic item vectors shaped like CLIP image embeddings, for stress runs that need a wide
 * modality without a vision model: unit-norm, with one direction shared by every item (real CLIP
 * vectors sit in a narrow cone, pairwise cosine about 0.5), plus a mix of a few latent "topics"
 * that makes neighbouring items correlated, plus item noise. Some items get no vector (the feature
 * file leaves them out, so their row is zeros, as for a missing image) and some share another
 * item's vector exactly (duplicate images: zero distances in interest discovery). Deterministic
 * for a seed and an item order.
 *
 * @param dim vector dimension (CLIP ViT-B: 512)
 * @param sharedWeight weight of the shared direction before normalisation
 * @param topics number of latent topics
 * @param topicWeight weight of an item's topic mix
 * @param noiseWeight weight of the item's own noise
 * @param coverage fraction of items that get a vector
 * @param duplicates fraction of covered items that copy an earlier item's vector
 */
public record ClipLikeFeatures(int dim, float sharedWeight, int topics, float topicWeight, float noiseWeight,
        double coverage, double duplicates) {

    /** 512-d, cosine between unrelated items around 0.5, 5% duplicates, 90% coverage. */
    public static ClipLikeFeatures defaults(int dim) {
        return new ClipLikeFeatures(dim, 1.0f, 32, 0.8f, 0.6f, 0.9, 0.05);
    }

    public ClipLikeFeatures {
        if (dim < 1 || topics < 1) {
            throw new IllegalArgumentException("dim and topics must be positive");
        }
        if (coverage < 0 || coverage > 1 || duplicates < 0 || duplicates > 1) {
            throw new IllegalArgumentException("coverage and duplicates are fractions");
        }
    }

    /** One modality's vectors for {@code itemIds} (in that order), named {@code name}. */
    public ModalityFeatures generate(String name, List<String> itemIds, long seed) {
        Random random = new Random(seed);
        float[] shared = unit(gaussian(random, dim));
        float[][] topicVectors = new float[topics][];
        for (int t = 0; t < topics; t++) {
            topicVectors[t] = unit(gaussian(random, dim));
        }
        Map<String, float[]> vectors = new LinkedHashMap<>();
        float[] previous = null;
        for (String id : itemIds) {
            if (random.nextDouble() >= coverage) {
                continue; // no vector: a zero row once aligned
            }
            float[] v;
            if (previous != null && random.nextDouble() < duplicates) {
                v = previous.clone();
            } else {
                v = new float[dim];
                // two topics per item, the first dominant: items of a topic are near each other
                int first = random.nextInt(topics);
                int second = random.nextInt(topics);
                float mix = 0.6f + 0.4f * random.nextFloat();
                float[] noise = unit(gaussian(random, dim));
                for (int k = 0; k < dim; k++) {
                    float topic = mix * topicVectors[first][k] + (1f - mix) * topicVectors[second][k];
                    v[k] = sharedWeight * shared[k] + topicWeight * topic + noiseWeight * noise[k];
                }
                v = unit(v);
            }
            vectors.put(id, v);
            previous = v;
        }
        return new ModalityFeatures(name, dim, vectors);
    }

    private static float[] gaussian(Random random, int dim) {
        float[] v = new float[dim];
        for (int k = 0; k < dim; k++) {
            v[k] = (float) random.nextGaussian();
        }
        return v;
    }

    /** v / ‖v‖ (v is never zero here: a sum with a random Gaussian part). */
    static float[] unit(float[] v) {
        double sq = 0;
        for (float x : v) {
            sq += (double) x * x;
        }
        float inv = (float) (1.0 / Math.sqrt(sq));
        float[] out = new float[v.length];
        for (int k = 0; k < v.length; k++) {
            out[k] = v[k] * inv;
        }
        return out;
    }
}
