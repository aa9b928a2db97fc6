package dev.streamrec.jobs.bench;

import dev.streamrec.model.data.Interaction;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /**
     * Writes a workload as a generic interactions CSV ({@code userId,itemId,timestamp}) to train a
     * model of the same catalogue; items the draw missed are appended once each (by extra users,
     * after the drawn events) so that the model's catalogue is the whole {@code items}.
     */
    public static void writeCsv(List<Interaction> events, int items, Path csv) throws IOException {
        boolean[] seen = new boolean[items];
        long last = 0;
        try (Writer w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            w.write("userId,itemId,timestamp\n");
            for (Interaction i : events) {
                seen[Integer.parseInt(i.itemId().substring(1))] = true;
                last = i.timestampMillis();
                w.write(i.userId() + "," + i.itemId() + "," + i.timestampMillis() + "\n");
            }
            for (int item = 0; item < items; item++) {
                if (!seen[item]) {
                    w.write("catalogue-" + (item % 1000) + ",i" + item + "," + (++last) + "\n");
                }
            }
        }
    }
}
