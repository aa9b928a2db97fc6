package dev.streamrec.model.bm3;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.CommandOptions;
import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.data.ModalityFeatures;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Measures how one training epoch of a BM3-family model grows with the number of interactions
 * (issue #5 target "memory linear in the number of interactions"): for each scale it trains a
 * warm-up epoch and a timed epoch on the training part (random 8:1:1 split) of a scaled data set
 * and prints users, items, training interactions, adjacency non-zeros, the timed epoch's seconds,
 * the peak Java heap used, the process RSS before the model is built (data, graph and libtorch
 * loaded), its peak during training (VmRSS sampled every 5 ms) and the peak of RSS minus the
 * committed Java heap (libtorch tensors plus the JVM's own native memory). A scale below 1 is a seeded random sample of the
 * interactions; an integer scale k above 1 is k disjoint copies of every user (ids suffixed
 * {@code #c}) over the same catalogue, so edges and users grow k-fold and the item side stays.
 * Every scale runs in its own JVM, so no run inherits another's peak or allocator pools.
 *
 * <pre>
 * java -cp ... dev.streamrec.model.bm3.Bm3MemoryBenchmark [--model bm3] [--features a.tsv.gz,b.tsv.gz]
 *      [--scales 0.25,0.5,1,4] [--data ratings.csv] [--seed 999]
 * </pre>
 */
public final class Bm3MemoryBenchmark {

    private static final String ROW = "ROW\t";
    private static final long SAMPLE_MILLIS = 5;

    private Bm3MemoryBenchmark() {}

    public static void main(String[] args) throws Exception {
        CliArgs a = options(CommandOptions.peek(List.of(args), "model")).parse(List.of(args));
        if (a.has("one")) {
            System.out.println(ROW + measure(a));
            return;
        }
        List<String> scales = a.getList("scales");
        System.out.printf(Locale.ROOT, "%-6s %7s %6s %9s %9s %8s %9s %10s %10s %10s%n", "scale", "users", "items",
                "train", "adj nnz", "epoch s", "heap MiB", "RSS0 MiB", "peak MiB", "non-heap");
        for (String scale : scales) {
            List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-Xmx" + Runtime.getRuntime().maxMemory(), "-Dai.djl.offline=true",
                    "-cp", System.getProperty("java.class.path"), Bm3MemoryBenchmark.class.getName(), "--one", scale));
            for (Map.Entry<String, String> o : a.options().entrySet()) {
                if (!o.getKey().equals("scales")) {
                    cmd.add("--" + o.getKey());
                    cmd.add(o.getValue());
                }
            }
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String row = null;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith(ROW)) {
                        row = line.substring(ROW.length());
                    }
                }
            }
            if (p.waitFor() != 0 || row == null) {
                throw new IllegalStateException("benchmark at scale " + scale + " failed (exit " + p.exitValue() + ")");
            }
            System.out.println(row);
        }
    }

    /** The benchmark's options: the training options of {@code model} (default bm3) and the scales. */
    private static CommandOptions options(String model) {
        CommandOptions c = CommandOptions.command("Bm3MemoryBenchmark", "Memory and time of one BM3 epoch per data scale.", null)
                .text("model", Bm3Config.BM3, "bm3|lightgcn|mf-bpr", "The variant measured.")
                .list("scales", "SCALE", "0.25,0.5,1,4", "Data scales, each in its own JVM.")
                .text("one", null, "S", "Measure one scale in this JVM (what each child runs).")
                .path("data", null, "Interactions CSV (default: the bundled MovieLens).")
                .list("features", "FILE", "Modality feature files (bm3).");
        Bm3Family.declareConfig(model == null ? Bm3Config.BM3 : model, c);
        return c;
    }

    /** One scale in this JVM: the formatted table row. */
    private static String measure(CliArgs a) throws Exception {
        Bm3Family.limitThreads();
        double scale = Double.parseDouble(a.require("one"));
        String model = a.get("model");
        Bm3Config config = Bm3Family.configFrom(model, a);
        List<Interaction> data = scaled(Bm3Family.readData(a.has("data") ? a.get("data") : "movielens-bundled"),
                scale, config.seed());
        UserItemSplit split = UserItemSplit.of(data, UserItemSplit.Mode.RANDOM, config.seed());
        Map<String, float[][]> features = new LinkedHashMap<>();
        if (config.isBm3()) {
            for (String f : a.getList("features")) {
                ModalityFeatures mf = ModalityFeatures.read(Path.of(f));
                features.put(mf.name(), mf.alignedTo(split.items()));
            }
        }
        InteractionGraph graph = new InteractionGraph(split.users().size(), split.items().size() + 1, split.train());
        try (NDManager warm = NDManager.newBaseManager(Device.cpu())) {
            warm.ones(new Shape(2, 2)).matMul(warm.ones(new Shape(2, 2))).toFloatArray(); // loads libtorch first
        }
        System.gc();
        long rssBefore = status("VmRSS:");
        RssSampler sampler = new RssSampler();
        sampler.start();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        double seconds;
        Engine.getInstance().setRandomSeed((int) config.seed());
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                Bm3Model m = new Bm3Model(config, graph, features, manager)) {
            Bm3Trainer trainer = new Bm3Trainer(config, false);
            trainer.trainOneEpoch(m, split.train(), manager);
            long t0 = System.nanoTime();
            trainer.trainOneEpoch(m, split.train(), manager);
            seconds = (System.nanoTime() - t0) / 1e9;
        }
        sampler.interrupt();
        sampler.join();
        long heap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heap += pool.getPeakUsage().getUsed();
            }
        }
        long peak = Math.max(sampler.peakKib, status("VmRSS:"));
        return String.format(Locale.ROOT, "%-6s %7d %6d %9d %9d %8.2f %9d %10d %10d %10d", a.require("one"),
                split.users().size(), split.items().size(), split.trainSize(), 2L * graph.numEdges(), seconds,
                heap >> 20, rssBefore >> 10, peak >> 10, sampler.peakNonHeapKib >> 10);
    }

    /** A seeded random sample (scale < 1) or integer user replication (scale > 1) of the interactions. */
    static List<Interaction> scaled(List<Interaction> data, double scale, long seed) {
        List<Interaction> out = new ArrayList<>();
        if (scale <= 1) {
            Random rnd = new Random(seed);
            for (Interaction e : data) {
                if (rnd.nextDouble() < scale) {
                    out.add(e);
                }
            }
            return out;
        }
        int copies = (int) Math.round(scale);
        for (int c = 0; c < copies; c++) {
            for (Interaction e : data) {
                out.add(c == 0 ? e : new Interaction(e.userId() + "#" + c, e.itemId(), e.timestampMillis(), e.value()));
            }
        }
        return out;
    }

    /** A /proc/self/status field in KiB, or -1 where unavailable. */
    static long status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Samples VmRSS until interrupted and keeps the maximum (VmHWM cannot be reset per phase), and the
     * maximum of VmRSS minus the committed Java heap: libtorch tensors, the JVM's own native memory.
     */
    private static final class RssSampler extends Thread {
        private volatile long peakKib;
        private volatile long peakNonHeapKib;

        RssSampler() {
            setDaemon(true);
        }

        @Override
        public void run() {
            while (!isInterrupted()) {
                long rss = status("VmRSS:");
                long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() >> 10;
                peakKib = Math.max(peakKib, rss);
                peakNonHeapKib = Math.max(peakNonHeapKib, rss - heap);
                try {
                    Thread.sleep(SAMPLE_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
