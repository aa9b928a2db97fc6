package dev.streamrec.model.bm3;

import dev.streamrec.model.data.Interaction;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Tiny synthetic two-cluster data for the graph-family tests. */
final class Bm3Fixtures {

    static final int USERS = 24;
    static final int ITEMS = 30;

    private Bm3Fixtures() {}

    /** Users 0..11 like items 0..14, users 12..23 like items 15..29 (12 items each, seeded). */
    static List<Interaction> clustered(long seed) {
        Random r = new Random(seed);
        List<Interaction> out = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            int base = u < USERS / 2 ? 0 : ITEMS / 2;
            List<Integer> pool = new ArrayList<>();
            for (int i = 0; i < ITEMS / 2; i++) {
                pool.add(base + i);
            }
            java.util.Collections.shuffle(pool, r);
            for (int k = 0; k < 12; k++) {
                out.add(new Interaction("u" + u, "i" + pool.get(k), 1000L * (u * 100 + k), 1.0));
            }
        }
        return out;
    }

    /** A 4-d modality feature per item that encodes its cluster plus noise, rows aligned to the split. */
    static Map<String, float[][]> features(Bm3Split split, long seed) {
        Random r = new Random(seed);
        float[][] x = new float[split.itemCount()][4];
        for (int row = 0; row < split.itemCount(); row++) {
            int item = Integer.parseInt(split.items().idAt(row + 1).substring(1));
            x[row][item < ITEMS / 2 ? 0 : 1] = 1f;
            x[row][2] = (float) r.nextGaussian() * 0.1f;
            x[row][3] = (float) r.nextGaussian() * 0.1f;
        }
        return Map.of("text", x);
    }

    static Bm3Config config(String variant, int epochs) {
        return new Bm3Config(variant, 16, variant.equals("mf-bpr") ? 0 : 1, variant.equals("bm3") ? 0.3 : 0.0,
                variant.equals("bm3") ? 0.1 : 1e-4, 2.0, 0.01, 64, epochs, 100, 7, true, "random");
    }
}
