package dev.streamrec.model.serving;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Answers one batch as several contiguous slices on as many threads at once, each running libtorch
 * with a single intra-op thread, instead of one forward pass whose operators fork and join across
 * all cores.
 *
 * <p>Why: a multi-threaded forward waits at a barrier after every parallel operator for its
 * slowest thread. When the cores are shared with the stream (Kafka, RocksDB, encoding), whichever
 * libtorch thread is descheduled holds up the others, so a competing load costs a multi-threaded
 * forward far more than the CPU it takes, whereas single-threaded slices lose only what the load
 * takes (measured in docs/performance-history.md). The answers are the same rankings in the same order, scores equal up to float rounding.
 *
 * <p>The caller runs the first slice itself; the others run on {@code slices - 1} daemon threads.
 * Only models that {@link Recommender#recommendsConcurrently() recommend concurrently} may be
 * sliced. Not for GPUs: one large batch is what a device wants.
 */
public final class SlicedBatches implements AutoCloseable {

    private final int slices;
    private final ExecutorService workers;

    /**
     * @param slices how many slices (threads) a batch is split into; 1 runs everything on the caller
     * @param threadName prefix of the worker threads' names
     */
    public SlicedBatches(int slices, String threadName) {
        if (slices < 1) {
            throw new IllegalArgumentException("slices must be at least 1: " + slices);
        }
        this.slices = slices;
        if (slices > 1) {
            useDefaultThreads(); // reads the default before any worker can change it
        }
        AtomicInteger n = new AtomicInteger();
        this.workers = slices > 1
                ? Executors.newFixedThreadPool(slices - 1, r -> {
                    Thread t = new Thread(r, threadName + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                })
                : null;
    }

    public int slices() {
        return slices;
    }

    /**
     * How models that are not sliced answer a batch when batches are sliced: one below
     * {@link #SMALL_BATCH} requests on one libtorch thread, a larger one with libtorch's default.
     * Slices are what a multi-core CPU gets; a device that takes one large batch (one slice) is left
     * as it is.
     */
    public <R, T> List<T> unsliced(List<R> batch, Function<List<R>, List<T>> answer) {
        return slices > 1 && batch.size() < SMALL_BATCH ? singleThreaded(batch, answer) : answer.apply(batch);
    }

    /**
     * Below this many requests a batch's operators are too small to gain from libtorch's threads and
     * lose to their fork and join; from here on two threads win. Measured with MISSRec, which is not
     * sliced, at batch sizes from 1 to 256 on one and on two threads: docs/performance-history.md.
     */
    public static final int SMALL_BATCH = 32;

    /** {@code answer} on the calling thread with one libtorch thread, the default put back after. */
    private static <R, T> List<T> singleThreaded(List<R> batch, Function<List<R>, List<T>> answer) {
        pinIntraOpThreads(1);
        try {
            return answer.apply(batch);
        } finally {
            useDefaultThreads();
        }
    }

    /**
     * {@code answer} applied to contiguous slices of {@code batch} at once, the results concatenated
     * in batch order ({@code answer} must return one result per element of its slice). A failure
     * of any slice is rethrown once all slices are done.
     */
    public <R, T> List<T> map(List<R> batch, Function<List<R>, List<T>> answer) {
        int n = Math.min(slices, batch.size());
        if (slices == 1) {
            return answer.apply(batch);
        }
        if (n <= 1) {
            // A batch of one is a slice too: one sequence's operators are too small to gain from
            // forking across threads and lose to the join (docs/performance-history.md).
            return singleThreaded(batch, answer);
        }
        List<Future<List<T>>> rest = new ArrayList<>(n - 1);
        for (int s = 1; s < n; s++) {
            List<R> slice = batch.subList(from(s, n, batch.size()), from(s + 1, n, batch.size()));
            rest.add(workers.submit(() -> {
                pinIntraOpThreads(1); // a no-op once this worker is pinned
                return answer.apply(slice);
            }));
        }
        List<T> out = new ArrayList<>(batch.size());
        Throwable failure = null;
        pinIntraOpThreads(1);
        try {
            out.addAll(answer.apply(batch.subList(0, from(1, n, batch.size()))));
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        boolean interrupted = false;
        for (Future<List<T>> f : rest) {
            // Every slice is waited for, even when interrupted: the caller may free the model's
            // native memory as soon as this returns.
            while (true) {
                try {
                    out.addAll(f.get());
                    break;
                } catch (ExecutionException e) {
                    failure = failure != null ? failure : e.getCause();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        // Last, once every worker has pinned itself: libtorch's process-wide count (what threads
        // that start using it later get) is the default again, and so is this thread's.
        useDefaultThreads();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw failure instanceof RuntimeException r ? r : new IllegalStateException(failure);
        }
        return out;
    }

    /**
     * Makes the calling thread run libtorch with the engine's default intra-op thread count, as it
     * would without slicing: for the thread that also runs the models that are not sliced.
     */
    public static void useDefaultThreads() {
        pinIntraOpThreads(DefaultThreads.COUNT);
    }

    /** Where slice {@code s} of {@code n} starts in a batch of {@code size}: sizes differ by at most one. */
    static int from(int s, int n, int size) {
        return (int) ((long) s * size / n);
    }

    /**
     * Sets the calling thread's libtorch intra-op threads (its OpenMP count). libtorch sets a
     * thread's count from a process-wide value at the thread's first parallel operation; asking for
     * the count first makes that happen now, so the setting below is not overridden later. Setting
     * it also changes the process-wide value, which {@link #map} puts back when it is done.
     */
    private static void pinIntraOpThreads(int n) {
        if (n > 0 && DefaultThreads.COUNT > 0 && JniUtils.getNumThreads() != n) {
            JniUtils.setNumThreads(n);
        }
    }

    /** libtorch's count before any slicing changed it, read once per JVM (0 without PyTorch). */
    private static final class DefaultThreads {
        static final int COUNT = read();

        private static int read() {
            if (!"PyTorch".equals(Engine.getDefaultEngineName())) {
                return 0;
            }
            Engine.getInstance(); // loads libtorch (and applies ai.djl.pytorch.num_threads) first
            return JniUtils.getNumThreads();
        }
    }

    @Override
    public void close() {
        if (workers != null) {
            workers.shutdownNow();
        }
    }
}
