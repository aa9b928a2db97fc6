package dev.streamrec.jobs.soak;

import dev.streamrec.model.cli.LineChart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The soak's charts, PNG line charts over the samples ({@link LineChart}) into one directory
 * ({@code docs/img} for the docs): {@code soak-state.png} (RocksDB's local files, the checkpoint's
 * full and incremental size), {@code soak-heap.png} (each TaskManager's heap and its post-GC floor),
 * {@code soak-process-memory.png} (each TaskManager's RSS, non-heap, direct and managed memory),
 * {@code soak-throughput.png} (events/s), {@code soak-latency.png} (p99 processing latency) and
 * {@code soak-checkpoint-duration.png}. Sizes in MiB.
 */
public final class SoakCharts {

    private SoakCharts() {}

    /** Writes every chart into {@code dir}; returns the files written. */
    public static List<Path> write(Path dir, List<SoakSample> samples, List<String> taskManagers, double sampleSeconds,
            int smoothingSamples) throws IOException {
        Files.createDirectories(dir);
        String x = String.format(java.util.Locale.ROOT, "sample (every %.0f s)", sampleSeconds);
        List<Path> written = new ArrayList<>();
        written.add(chart(dir.resolve("soak-state.png"), "State size (MiB)", x, samples,
                List.of(SoakSample.ROCKSDB_BYTES, SoakSample.CHECKPOINT_BYTES, SoakSample.CHECKPOINT_INCREMENT_BYTES),
                List.of("RocksDB local files", "checkpoint, full", "checkpoint, incremental")));
        List<String> labels = new ArrayList<>();
        List<double[]> series = new ArrayList<>();
        for (String tm : taskManagers) {
            double[] heap = mib(column(samples, SoakSample.taskManager(tm, SoakSample.HEAP)));
            labels.add(tm + " heap used");
            series.add(heap);
            labels.add(tm + " heap after GC, floor (rolling min of " + smoothingSamples + ")");
            series.add(SoakReport.smooth(mib(column(samples, SoakSample.taskManager(tm, SoakSample.HEAP_AFTER_GC))),
                    smoothingSamples, SoakReport.Smoothing.FLOOR));
        }
        Path heap = dir.resolve("soak-heap.png");
        LineChart.write(heap, "TaskManager heap (MiB)", x, labels, series);
        written.add(heap);
        List<String> memory = new ArrayList<>();
        List<String> memoryLabels = new ArrayList<>();
        for (String tm : taskManagers) {
            for (String s : List.of(SoakSample.RSS, SoakSample.NON_HEAP, SoakSample.DIRECT, SoakSample.MANAGED)) {
                memory.add(SoakSample.taskManager(tm, s));
                memoryLabels.add(tm + " " + s.replace("_bytes", "").replace('_', '-'));
            }
        }
        written.add(chart(dir.resolve("soak-process-memory.png"), "TaskManager process memory (MiB)", x, samples,
                memory, memoryLabels));
        written.add(chart(dir.resolve("soak-throughput.png"), "Events/s predicted", x, samples,
                List.of(SoakSample.EVENTS_PER_SECOND), List.of("events/s")));
        written.add(chart(dir.resolve("soak-latency.png"), "p99 processing latency (ms)", x, samples,
                List.of(SoakSample.P99_MS), List.of("p99 ms, event read to prediction emitted")));
        written.add(chart(dir.resolve("soak-checkpoint-duration.png"), "Checkpoint duration (ms)", x, samples,
                List.of(SoakSample.CHECKPOINT_MS), List.of("latest completed checkpoint, end to end")));
        return written;
    }

    private static Path chart(Path png, String title, String x, List<SoakSample> samples, List<String> columns,
            List<String> labels) throws IOException {
        List<double[]> series = new ArrayList<>();
        for (String c : columns) {
            double[] y = column(samples, c);
            series.add(c.endsWith("bytes") ? mib(y) : y);
        }
        LineChart.write(png, title, x, labels, series);
        return png;
    }

    static double[] column(List<SoakSample> samples, String series) {
        return samples.stream().mapToDouble(s -> s.get(series)).toArray();
    }

    private static double[] mib(double[] bytes) {
        double[] out = new double[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[i] / (1024 * 1024);
        }
        return out;
    }
}
