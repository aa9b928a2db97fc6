package dev.streamrec.jobs.cluster;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The faults a chaos run injects into a {@link ProcessCluster} while a stream runs through it:
 * {@code taskmanager} ({@code kill -9} a TaskManager, start a new one), {@code broker}
 * ({@code kill -9} the Kafka broker, restart it on the same log directory) and {@code savepoint}
 * (stop the job with a savepoint and submit it again from that savepoint).
 */
public enum ChaosFault {
    TASKMANAGER,
    BROKER,
    SAVEPOINT;

    /** The name on the command line and in the report. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The fault a label names; fails with the labels there are. */
    public static ChaosFault of(String label) {
        try {
            return valueOf(label.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown fault '" + label + "': one of " + labels(), e);
        }
    }

    /** Every label, comma-separated. */
    public static String labels() {
        return Arrays.stream(values()).map(ChaosFault::label).collect(Collectors.joining(","));
    }
}
