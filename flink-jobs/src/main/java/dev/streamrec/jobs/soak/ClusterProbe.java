package dev.streamrec.jobs.soak;

import com.fasterxml.jackson.databind.JsonNode;
import dev.streamrec.jobs.cluster.ClusterJvms;
import dev.streamrec.jobs.cluster.ClusterProcess;
import dev.streamrec.jobs.cluster.FlinkRestClient;
import dev.streamrec.jobs.cluster.ProcessCluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Reads the state and memory series of one sample from a running {@link ProcessCluster}: from Flink's
 * REST API the latest completed checkpoint's full and incremental size and end-to-end duration and the
 * failed checkpoints ({@code /jobs/ID/checkpoints}), the job's restarts ({@code numRestarts} of
 * {@code /jobs/ID/metrics}), and each TaskManager's heap, non-heap, direct and managed memory in use
 * ({@code /taskmanagers/NAME/metrics}; the TaskManagers register under their process names); each
 * TaskManager's live heap: the probe asks it for a full collection ({@code jcmd PID GC.run}, tens of
 * milliseconds at these heaps; at most every {@link #COLLECT_EVERY}, as each jcmd starts a JVM) and
 * reads the heap after it from the TaskManager's GC log ({@link GcLog}; without the full collection
 * only young ones run for hours, and the heap after those grows with old garbage that no concurrent
 * cycle has marked yet); from the OS each TaskManager's resident set ({@code VmRSS} of
 * {@code /proc/PID/status}) and the size of RocksDB's local files: the files under a {@code db}
 * directory below the TaskManagers' temporary directories ({@code io.tmp.dirs}, where the RocksDB
 * instances of every keyed operator live). A value
 * that cannot be read is NaN.
 */
public final class ClusterProbe {

    static final String METRICS = "Status.JVM.Memory.Heap.Used,Status.JVM.Memory.NonHeap.Used,"
            + "Status.JVM.Memory.Direct.MemoryUsed,Status.Flink.Memory.Managed.Used";

    /** The shortest time between two forced full collections of a TaskManager (samples in between read young ones). */
    static final Duration COLLECT_EVERY = Duration.ofSeconds(25);

    private final ProcessCluster cluster;
    private final FlinkRestClient rest;
    private final String jobId;
    private final List<String> taskManagers;
    private final Map<String, GcLog> gcLogs = new LinkedHashMap<>();
    private long lastCollection = Long.MIN_VALUE;

    /** Probes job {@code jobId} on {@code cluster}, whose TaskManager processes are {@code taskManagers}. */
    public ClusterProbe(ProcessCluster cluster, String jobId, List<String> taskManagers) {
        this.cluster = cluster;
        this.rest = cluster.rest();
        this.jobId = jobId;
        this.taskManagers = List.copyOf(taskManagers);
        taskManagers.forEach(tm -> gcLogs.put(tm, new GcLog(ClusterJvms.gcLog(cluster.settings(), tm))));
    }

    /** One sample of every series this probe reads. */
    public Map<String, Double> sample() {
        Map<String, Double> v = new LinkedHashMap<>();
        v.put(SoakSample.ROCKSDB_BYTES, rocksDbBytes(cluster.settings().runDir().resolve("tmp")));
        Optional<JsonNode> checkpoints = rest.json("/jobs/" + jobId + "/checkpoints");
        JsonNode latest = checkpoints.map(c -> c.path("latest").path("completed")).orElse(null);
        v.put(SoakSample.CHECKPOINT_BYTES, number(latest, "state_size"));
        v.put(SoakSample.CHECKPOINT_INCREMENT_BYTES, number(latest, "checkpointed_size"));
        v.put(SoakSample.CHECKPOINT_MS, number(latest, "end_to_end_duration"));
        v.put(SoakSample.CHECKPOINTS_FAILED, checkpoints.map(c -> number(c.path("counts"), "failed")).orElse(Double.NaN));
        v.put(SoakSample.RESTARTS, metrics("/jobs/" + jobId + "/metrics?get=numRestarts").getOrDefault("numRestarts",
                Double.NaN));
        // each jcmd is a JVM start: at most one full collection per TaskManager every COLLECT_EVERY
        boolean collecting = lastCollection == Long.MIN_VALUE
                || System.nanoTime() - lastCollection >= COLLECT_EVERY.toNanos();
        if (collecting) {
            lastCollection = System.nanoTime();
        }
        for (String tm : taskManagers) {
            Map<String, Double> m = metrics("/taskmanagers/" + tm + "/metrics?get=" + METRICS);
            v.put(SoakSample.taskManager(tm, SoakSample.HEAP), m.getOrDefault("Status.JVM.Memory.Heap.Used", Double.NaN));
            ClusterProcess process = new ClusterProcess(tm, cluster.settings().runDir());
            if (collecting) {
                process.handle().ifPresent(h -> collect(h.pid()));
            }
            v.put(SoakSample.taskManager(tm, SoakSample.HEAP_AFTER_GC), gcLogs.get(tm).smallestAfterGcSinceLastRead());
            v.put(SoakSample.taskManager(tm, SoakSample.NON_HEAP), m.getOrDefault("Status.JVM.Memory.NonHeap.Used",
                    Double.NaN));
            v.put(SoakSample.taskManager(tm, SoakSample.DIRECT), m.getOrDefault("Status.JVM.Memory.Direct.MemoryUsed",
                    Double.NaN));
            v.put(SoakSample.taskManager(tm, SoakSample.MANAGED), m.getOrDefault("Status.Flink.Memory.Managed.Used",
                    Double.NaN));
            v.put(SoakSample.taskManager(tm, SoakSample.RSS), rss(process));
        }
        return v;
    }

    /**
     * Asks JVM {@code pid} for a full collection ({@code jcmd PID GC.run}, which returns when it is done)
     * and waits up to 30 s; false when it could not (no {@code jcmd} in this JDK, the process gone).
     */
    static boolean collect(long pid) {
        String jcmd = ClusterJvms.jdkTool("jcmd");
        if (!Files.isExecutable(Path.of(jcmd))) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(jcmd, Long.toString(pid), "GC.run")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code [{"id": NAME, "value": "123"}, ...]} as a map; empty when the call fails. */
    private Map<String, Double> metrics(String path) {
        Map<String, Double> m = new LinkedHashMap<>();
        rest.json(path).ifPresent(a -> a.forEach(e -> m.put(e.path("id").asText(), e.path("value").asDouble(Double.NaN))));
        return m;
    }

    private static double number(JsonNode node, String field) {
        return node == null || !node.path(field).isNumber() ? Double.NaN : node.path(field).asDouble();
    }

    /** The resident set of a live process in bytes, NaN when it is not running. */
    static double rss(ClusterProcess process) {
        return process.handle().map(h -> rssOf(Path.of("/proc", String.valueOf(h.pid()), "status"))).orElse(Double.NaN);
    }

    /** {@code VmRSS} of a {@code /proc/PID/status} file, in bytes (NaN when unreadable). */
    static double rssOf(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return 1024.0 * Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    /** The bytes (NaN when unreadable) of the files below {@code root} that lie in a {@code db} directory (RocksDB's); files may vanish meanwhile. */
    static double rocksDbBytes(Path root) {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        for (int attempt = 0; attempt < 3; attempt++) {
            try (Stream<Path> files = Files.walk(root)) {
                return files.filter(p -> inDbDirectory(root.relativize(p))).mapToLong(ClusterProbe::size).sum();
            } catch (IOException | UncheckedIOException e) {
                // a directory vanished while we walked (a compaction, a restore): walk again
            }
        }
        return Double.NaN;
    }

    private static boolean inDbDirectory(Path relative) {
        for (int i = 0; i < relative.getNameCount() - 1; i++) {
            if (relative.getName(i).toString().equals("db")) {
                return true;
            }
        }
        return false;
    }

    private static long size(Path p) {
        try {
            return Files.isRegularFile(p) ? Files.size(p) : 0;
        } catch (NoSuchFileException gone) {
            return 0; // compacted away while we walked
        } catch (IOException e) {
            return 0;
        }
    }
}
