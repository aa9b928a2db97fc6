package dev.streamrec.jobs.soak;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One sample of a soak run: the seconds since the stream started and the value of every series at
 * that time (NaN when it could not be read). The series' names are the constants here; the
 * TaskManagers' memory series are {@code <taskmanager>.<what>} ({@link #taskManager}).
 */
public record SoakSample(double elapsedSeconds, Map<String, Double> values) {

    public static final String EVENTS_PER_SECOND = "events_per_s";
    public static final String P99_MS = "p99_processing_ms";
    public static final String EVENTS_SENT = "events_sent";
    public static final String ROCKSDB_BYTES = "rocksdb_bytes";
    public static final String CHECKPOINT_BYTES = "checkpoint_full_bytes";
    public static final String CHECKPOINT_INCREMENT_BYTES = "checkpoint_incremental_bytes";
    public static final String CHECKPOINT_MS = "checkpoint_ms";
    public static final String CHECKPOINTS_FAILED = "checkpoints_failed";
    public static final String RESTARTS = "restarts";
    public static final String HOT_SWAPS = "hot_swaps";
    public static final String DELETIONS_SENT = "deletions_sent";
    public static final String DELETIONS_CONFIRMED = "deletions_confirmed";
    public static final String USERS = "users";

    public static final String HEAP = "heap_bytes";
    /** The smallest heap right after a collection in the sample's interval (the GC log; NaN when none ran). */
    public static final String HEAP_AFTER_GC = "heap_after_gc_bytes";
    public static final String NON_HEAP = "non_heap_bytes";
    public static final String DIRECT = "direct_bytes";
    public static final String MANAGED = "managed_bytes";
    public static final String RSS = "rss_bytes";

    /** The per-TaskManager memory series, in column order. */
    public static final List<String> TASK_MANAGER_SERIES = List.of(HEAP, HEAP_AFTER_GC, NON_HEAP, DIRECT, MANAGED, RSS);

    /** The job-wide series, in column order. */
    public static final List<String> JOB_SERIES = List.of(EVENTS_SENT, EVENTS_PER_SECOND, P99_MS, ROCKSDB_BYTES,
            CHECKPOINT_BYTES, CHECKPOINT_INCREMENT_BYTES, CHECKPOINT_MS, CHECKPOINTS_FAILED, RESTARTS, HOT_SWAPS,
            DELETIONS_SENT, DELETIONS_CONFIRMED, USERS);

    public SoakSample {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The name of series {@code what} of TaskManager {@code taskManager}. */
    public static String taskManager(String taskManager, String what) {
        return taskManager + "." + what;
    }

    /** Every column of a run with these TaskManagers: the job's series, then each TaskManager's. */
    public static List<String> columns(List<String> taskManagers) {
        List<String> c = new java.util.ArrayList<>(JOB_SERIES);
        for (String tm : taskManagers) {
            TASK_MANAGER_SERIES.forEach(s -> c.add(taskManager(tm, s)));
        }
        return c;
    }

    /** The value of {@code series}, NaN when absent. */
    public double get(String series) {
        return values.getOrDefault(series, Double.NaN);
    }
}
