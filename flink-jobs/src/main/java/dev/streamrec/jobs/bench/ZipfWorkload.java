package dev.streamrec.jobs.bench;

import dev.streamrec.model.data.Interaction;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A synthetic large workload: users drawn uniformly, items drawn from a Zipf(s) popularity law over
 * the catalogue, timestamps one millisecond apart. Deterministic for a seed.
 */
public final class ZipfWorkload {

    private ZipfWorkload() {}

    public static List<Interaction> generate(int events, int users, int items, double exponent, long seed) {
        double[] cdf = new double[items];
        double sum = 0;
        for (int i = 0; i < items; i++) {
            sum += 1.0 / Math.pow(i + 1, exponent);
            cdf[i] = sum;
        }
        for (int i = 0; i < items; i++) {
            cdf[i] /= sum;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Interaction> out = new ArrayList<>(events);
        long t0 = 1_700_000_000_000L;
        for (int e = 0; e < events; e++) {
            int pos = Arrays.binarySearch(cdf, rnd.nextDouble());
            int item = pos >= 0 ? pos : Math.min(items - 1, -pos - 1);
            out.add(new Interaction("u" + rnd.nextInt(users), "i" + item, t0 + e, 1.0));
        }
        return out;
    }
}
