package dev.streamrec.jobs.cluster;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A fault a chaos run injects into a {@link ProcessCluster} while a stream runs through it:
 * {@code taskmanager} ({@code kill -9} a TaskManager, start a new one), {@code broker}
 * ({@code kill -9} the Kafka broker, restart it on the same log directory), {@code jobmanager}
 * ({@code kill -9} the JobManager, start a new one that recovers the job from ZooKeeper: high
 * availability only), {@code savepoint} (stop the job with a savepoint and submit it again from that
 * savepoint), {@code upgrade} (the same, submitting a changed version of the job),
 * {@code rescale:N} (the same, with parallelism N) and {@code hotswap} (a model hot swap during a
 * fault: {@code kill -9} a TaskManager, deploy the next version of the trained model while it is
 * down, start a new one).
 *
 * @param parallelism the parallelism a rescale resubmits with; 0 for every other kind
 */
public record ChaosFault(Kind kind, int parallelism) {

    /** What is done to the cluster. */
    public enum Kind {
        TASKMANAGER,
        BROKER,
        JOBMANAGER,
        SAVEPOINT,
        UPGRADE,
        RESCALE,
        HOTSWAP
    }

    public static final ChaosFault TASKMANAGER = new ChaosFault(Kind.TASKMANAGER, 0);
    public static final ChaosFault BROKER = new ChaosFault(Kind.BROKER, 0);
    public static final ChaosFault JOBMANAGER = new ChaosFault(Kind.JOBMANAGER, 0);
    public static final ChaosFault SAVEPOINT = new ChaosFault(Kind.SAVEPOINT, 0);
    public static final ChaosFault UPGRADE = new ChaosFault(Kind.UPGRADE, 0);
    public static final ChaosFault HOTSWAP = new ChaosFault(Kind.HOTSWAP, 0);

    public ChaosFault {
        if ((kind == Kind.RESCALE) != (parallelism > 0)) {
            throw new IllegalArgumentException("a rescale, and only a rescale, has a parallelism of 1 or more: "
                    + kind + " " + parallelism);
        }
    }

    /** Stop with a savepoint and resubmit with {@code parallelism}. */
    public static ChaosFault rescale(int parallelism) {
        return new ChaosFault(Kind.RESCALE, parallelism);
    }

    /** The name on the command line and in the report: {@code taskmanager}, ..., {@code rescale:4}. */
    public String label() {
        String name = kind.name().toLowerCase(Locale.ROOT);
        return kind == Kind.RESCALE ? name + ":" + parallelism : name;
    }

    /** The fault a label names; fails with the labels there are. */
    public static ChaosFault of(String label) {
        String[] parts = label.strip().toUpperCase(Locale.ROOT).split(":", 2);
        Kind kind;
        try {
            kind = Kind.valueOf(parts[0]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown fault '" + label + "': one of " + labels(), e);
        }
        if (kind != Kind.RESCALE) {
            if (parts.length > 1) {
                throw new IllegalArgumentException("fault '" + label + "' takes no ':' value");
            }
            return new ChaosFault(kind, 0);
        }
        try {
            return rescale(Integer.parseInt(parts.length > 1 ? parts[1] : ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fault '" + label + "': a rescale names its parallelism, e.g. rescale:4", e);
        }
    }

    /** Every label, comma-separated (a rescale as {@code rescale:N}). */
    public static String labels() {
        return Arrays.stream(Kind.values())
                .map(k -> k.name().toLowerCase(Locale.ROOT) + (k == Kind.RESCALE ? ":N" : ""))
                .collect(Collectors.joining(","));
    }
}
