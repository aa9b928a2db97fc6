package dev.streamrec.jobs.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where a benchmark's CPU goes: samples the CPU time of every thread of this process (Java and
 * native, e.g. libtorch's OpenMP workers, which inherit their creator's name) from Linux's
 * {@code /proc/self/task} once a second, and reports the measured window per thread group (names
 * with digits folded, as the kernel keeps them: 15 characters). Elsewhere it reports nothing.
 */
final class ThreadCpuSampler implements AutoCloseable {

    /** Kernel clock ticks per second of {@code stat}'s utime/stime (USER_HZ; 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100.0;
    private static final Path TASKS = Path.of("/proc/self/task");

    private record Snapshot(long atMillis, Map<String, Long> ticksByThread, Map<String, String> names) {}

    private final List<Snapshot> snapshots = new ArrayList<>();
    private final Thread sampler;
    private volatile boolean running = true;

    private ThreadCpuSampler(long periodMillis) {
        sampler = new Thread(() -> {
            while (running) {
                Snapshot s = snapshot();
                if (s == null) {
                    return;
                }
                synchronized (snapshots) {
                    snapshots.add(s);
                }
                try {
                    Thread.sleep(periodMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "thread-cpu-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    static ThreadCpuSampler start(long periodMillis) {
        return new ThreadCpuSampler(periodMillis);
    }

    /**
     * Prints CPU seconds, cores and share per thread group between the snapshots closest to
     * {@code fromMillis} and {@code toMillis} (the top {@code rows} groups).
     */
    void report(long fromMillis, long toMillis, int rows, PrintStream out) {
        Snapshot from;
        Snapshot to;
        // A thread's last sample in the window: threads that end inside it count too.
        Map<String, Long> lastTicks = new HashMap<>();
        Map<String, String> names = new HashMap<>();
        synchronized (snapshots) {
            from = closest(fromMillis);
            to = closest(toMillis);
            for (Snapshot s : snapshots) {
                if (from != null && to != null && s.atMillis() > from.atMillis() && s.atMillis() <= to.atMillis()) {
                    lastTicks.putAll(s.ticksByThread());
                    names.putAll(s.names());
                }
            }
        }
        if (from == null || to == null || to.atMillis() <= from.atMillis()) {
            out.println("(no per-thread CPU: /proc/self/task not readable or the window is too short)");
            return;
        }
        Map<String, Long> byGroup = new HashMap<>();
        for (Map.Entry<String, Long> e : lastTicks.entrySet()) {
            long before = from.ticksByThread().getOrDefault(e.getKey(), 0L);
            byGroup.merge(group(names.get(e.getKey())), e.getValue() - before, Long::sum);
        }
        double seconds = (to.atMillis() - from.atMillis()) / 1000.0;
        double total = byGroup.values().stream().mapToLong(Long::longValue).sum() / TICKS_PER_SECOND;
        out.printf(Locale.ROOT, "CPU by thread group over %.1f s of the measured window: %.2f cores busy of %d%n",
                seconds, total / seconds, Runtime.getRuntime().availableProcessors());
        out.printf(Locale.ROOT, "%-18s %9s %7s %7s%n", "threads", "CPU s", "cores", "share");
        byGroup.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(rows)
                .forEach(e -> {
                    double cpu = e.getValue() / TICKS_PER_SECOND;
                    out.printf(Locale.ROOT, "%-18s %9.2f %7.2f %6.1f%%%n", e.getKey(), cpu, cpu / seconds,
                            total > 0 ? 100 * cpu / total : 0);
                });
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }

    private Snapshot closest(long millis) {
        Snapshot best = null;
        for (Snapshot s : snapshots) {
            if (best == null || Math.abs(s.atMillis() - millis) < Math.abs(best.atMillis() - millis)) {
                best = s;
            }
        }
        return best;
    }

    /** Thread names with digits folded: "model-inference-0" and "-1" are one group. */
    static String group(String name) {
        return name == null ? "?" : name.replaceAll("[0-9]+", "N").strip();
    }

    private static Snapshot snapshot() {
        if (!Files.isDirectory(TASKS)) {
            return null;
        }
        Map<String, Long> ticks = new LinkedHashMap<>();
        Map<String, String> names = new HashMap<>();
        long at = System.currentTimeMillis();
        try (Stream<Path> tasks = Files.list(TASKS)) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    // fields after the parenthesised name: state is field 3, utime 14, stime 15
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    String tid = task.getFileName().toString();
                    ticks.put(tid, Long.parseLong(f[11]) + Long.parseLong(f[12]));
                    names.put(tid, Files.readString(task.resolve("comm")).strip());
                } catch (IOException | RuntimeException gone) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (IOException e) {
            return null;
        }
        return new Snapshot(at, ticks, names);
    }
}
