package dev.streamrec.model.stress;

import dev.streamrec.model.data.ModalityFeatures;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Features for items the models never saw, as the item-features topic would bring them: for each
 * modality, a known item's vector (picked at random) plus Gaussian noise, scaled back to that
 * vector's norm, so that every vector has the dimension, norm and neighbourhood of a real one. The
 * ids come from a fixed pool ({@code stress-item-0 .. poolSize-1}): after the first round an
 * upsert replaces an item's features instead of growing the catalogue without end.
 */
final class NewItemFeatures {

    /** One new item's features, as {@code AcceptsItemFeatures.upsertItem} takes them. */
    record Item(String itemId, String text, Map<String, float[]> modalities) {}

    /** Noise per component, relative to a component's root-mean-square size. */
    private static final double NOISE = 0.3;

    private final Map<String, List<float[]>> known = new LinkedHashMap<>();
    private final int poolSize;
    private final Random random;
    private long issued;

    /**
     * @param modalities the feature files' vectors (the models' modalities)
     * @param poolSize how many distinct new item ids there are
     */
    NewItemFeatures(List<ModalityFeatures> modalities, int poolSize, long seed) {
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be positive");
        }
        for (ModalityFeatures m : modalities) {
            if (!m.vectors().isEmpty()) {
                known.put(m.name(), new ArrayList<>(m.vectors().values()));
            }
        }
        this.poolSize = poolSize;
        this.random = new Random(seed);
    }

    /** The next new item (ids cycle through the pool). */
    Item next() {
        long n = issued++;
        Map<String, float[]> vectors = new LinkedHashMap<>();
        for (Map.Entry<String, List<float[]>> e : known.entrySet()) {
            List<float[]> pool = e.getValue();
            vectors.put(e.getKey(), near(pool.get(random.nextInt(pool.size()))));
        }
        return new Item("stress-item-" + (n % poolSize), String.format(Locale.ROOT, "Stress Item %d (2025)", n), vectors);
    }

    /** {@code base} plus noise, with {@code base}'s norm. */
    private float[] near(float[] base) {
        double norm = 0;
        for (float x : base) {
            norm += (double) x * x;
        }
        norm = Math.sqrt(norm);
        double scale = norm / Math.sqrt(base.length);
        float[] v = new float[base.length];
        double sq = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (base[i] + NOISE * scale * random.nextGaussian());
            sq += (double) v[i] * v[i];
        }
        float k = sq > 0 ? (float) (norm / Math.sqrt(sq)) : 0f;
        for (int i = 0; i < v.length; i++) {
            v[i] *= k;
        }
        return v;
    }
}
