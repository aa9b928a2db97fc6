package dev.streamrec.jobs.bench;

import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.CommandOptions;
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

    /**
     * Declares the workload's options ({@code --events --users --items --zipf --seed}); the defaults
     * are shared by every benchmark and by {@code zipf-data}, so an artifact trained on one matches the others.
     */
    public static CommandOptions declare(CommandOptions c) {
        return c.integer("events", 300_000, "Zipf workload: events.")
                .integer("users", 1_000_000, "Zipf workload: users, drawn uniformly.")
                .integer("items", 100_000, "Zipf workload: catalogue size.")
                .decimal("zipf", 1.1, "Zipf workload: the popularity law's exponent s.")
                .longInteger("seed", 42, "Zipf workload: seed.");
    }

    /** The workload the options of {@link #declare} describe. */
    public static List<Interaction> generate(CliArgs a) {
        return generate(a.getInt("events"), a.getInt("users"), items(a), a.getDouble("zipf"), a.getLong("seed"));
    }

    /** The catalogue size the options give ({@code --items}). */
    public static int items(CliArgs a) {
        return a.getInt("items");
    }

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

    /**
     * Synthetic modality features for the catalogue, so that models that need features (BM3, MISSRec,
     * KDSR's teacher) can be trained and served on this workload: per modality, every item gets its
     * cluster's centre (one of {@code clusters}, by item number) plus Gaussian noise; a throughput
     * workload, not a quality one. Writes {@code dir/<name>.tsv} per modality and returns the files.
     */
    public static List<Path> writeFeatures(int items, java.util.Map<String, Integer> dims, int clusters, long seed,
            Path dir) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Path> files = new ArrayList<>();
        for (java.util.Map.Entry<String, Integer> m : dims.entrySet()) {
            int dim = m.getValue();
            float[][] centres = new float[clusters][dim];
            for (float[] c : centres) {
                for (int j = 0; j < dim; j++) {
                    c[j] = (float) gaussian(rnd);
                }
            }
            java.util.Map<String, float[]> vectors = new java.util.LinkedHashMap<>();
            for (int item = 0; item < items; item++) {
                float[] v = centres[item % clusters].clone();
                for (int j = 0; j < dim; j++) {
                    v[j] += (float) (0.3 * gaussian(rnd));
                }
                vectors.put("i" + item, v);
            }
            Path file = dir.resolve(m.getKey() + ".tsv");
            new dev.streamrec.model.data.ModalityFeatures(m.getKey(), dim, vectors).write(file);
            files.add(file);
        }
        return files;
    }

    private static double gaussian(SplittableRandom rnd) {
        double u = 1.0 - rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }
}
