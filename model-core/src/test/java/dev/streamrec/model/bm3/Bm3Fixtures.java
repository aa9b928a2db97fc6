package dev.streamrec.model.bm3;

import dev.streamrec.model.data.Interaction;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Small synthetic data for the BM3 tests: two user/item clusters and one matching modality. */
final class Bm3Fixtures {

    static final int USERS = 40;
    static final int ITEMS = 30;

    private Bm3Fixtures() {}

    /** Users 0..19 take 12 of items 0..14, users 20..39 take 12 of items 15..29. */
    static List<Interaction> clustered(long seed) {
        Random rnd = new Random(seed);
        List<Interaction> out = new ArrayList<>();
        long t = 0;
        for (int u = 0; u < USERS; u++) {
            int base = u < USERS / 2 ? 0 : ITEMS / 2;
            List<Integer> pool = new ArrayList<>();
            for (int i = 0; i < ITEMS / 2; i++) {
                pool.add(base + i);
            }
            java.util.Collections.shuffle(pool, rnd);
            for (int k = 0; k < 12; k++) {
                out.add(new Interaction("u" + u, "i" + pool.get(k), 1000L * t++, 1.0));
            }
        }
        return out;
    }

    /** An 8-d feature per item: its cluster in the first dims plus noise. */
    static Map<String, float[]> clusterFeatures(long seed) {
        Random rnd = new Random(seed);
        Map<String, float[]> f = new LinkedHashMap<>();
        for (int i = 0; i < ITEMS; i++) {
            float[] v = new float[8];
            v[i < ITEMS / 2 ? 0 : 1] = 1f;
            for (int j = 2; j < 8; j++) {
                v[j] = (float) rnd.nextGaussian() * 0.3f;
            }
            f.put("i" + i, v);
        }
        return f;
    }

    static Bm3Config config(String variant, int epochs) {
        Bm3Config d = Bm3Config.defaults(variant);
        return new Bm3Config(variant, 16, d.layers(), d.dropout(), d.regWeight(), d.clWeight(), 0.01, 64, epochs,
                epochs, 7L, d.trainFeatures());
    }
}
