package dev.streamrec.jobs.scoring;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Groups requests into micro-batches and keeps at most one batch in flight, without Flink: the
 * buffer, the batch being scored, the order in which batches are emitted, and the flush that
 * leaves nothing buffered or in flight (before a checkpoint barrier, at the end of the input).
 *
 * <ul>
 *   <li>A batch goes out when the buffer holds {@code batchSize} requests, or {@code timeoutMs}
 *       after the first request of a batch arrived. When the timeout passes while a batch is still
 *       being scored, the buffer keeps filling (up to {@code batchSize}) and goes out as soon as that
 *       batch is done: under load batches grow by themselves, an idle model never waits longer than
 *       the timeout. A timeout of zero sends every request as soon as nothing is being scored.
 *   <li>Overlap: with a scoring executor, a batch is scored there while the caller's thread fills
 *       the next one and emits the previous one; when it is done, the executor posts a step to the
 *       caller's thread ({@link Mailbox}) that emits it (and sends a buffer whose timeout passed).
 *       Without one, a batch is scored and emitted at once on the caller's thread.
 *   <li>Order: batches are emitted in the order they were taken from the buffer, each once.
 *   <li>The stages of a batch ({@link Stages}) run in a fixed order: the next batch is
 *       {@linkplain Stages#open opened} while the one in flight may still be scored; the one in
 *       flight is then awaited and {@linkplain Stages#scored finished}, {@code betweenBatches} runs
 *       with nothing in flight, the next batch is {@linkplain Stages#beforeScoring prepared} and
 *       handed to the scoring, and only then the finished one is {@linkplain Stages#emit emitted}.
 * </ul>
 *
 * <p>Everything but {@link Stages#score} runs on the thread that calls this class (the task thread
 * of the operator that owns it); that thread must also run the {@link Timer} and {@link Mailbox}
 * steps. A failure of {@link Stages#score} is thrown on that thread when the batch is awaited.
 *
 * @param <R> a request
 * @param <B> a batch of requests on its way through the stages
 */
final class MicroBatcher<R, B> {

    /** A step that may fail: run on the caller's thread. */
    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    /** Runs a step once, on the caller's thread, after a delay (the batch timeout). */
    @FunctionalInterface
    interface Timer {
        void schedule(long delayMs, Step step);
    }

    /** Hands a step from the scoring executor to the caller's thread, to run there later. */
    @FunctionalInterface
    interface Mailbox {
        void post(Step step);
    }

    /** What happens to a batch, in the order the batcher calls it. */
    interface Stages<R, B> {
        /** The requests taken from the buffer, as a batch; a batch taken earlier may still be being scored. */
        B open(List<R> requests) throws Exception;

        /** Last step on the caller's thread before the batch is scored; the batch before it is {@link #scored} already. */
        void beforeScoring(B batch) throws Exception;

        /** Scores the batch: on the scoring executor with overlap, else on the caller's thread. */
        void score(B batch);

        /** The batch was scored: on the caller's thread, before any later batch's {@link #beforeScoring}. */
        void scored(B batch) throws Exception;

        /** Emits a scored batch: on the caller's thread, in the order the batches were opened. */
        void emit(B batch) throws Exception;
    }

    private final int batchSize;
    private final long timeoutMs;
    private final Stages<R, B> stages;
    private final Step betweenBatches;
    /** Where batches are scored; null: on the caller's thread, no overlap. */
    private final Executor scoring;
    private final Timer timer;
    private final Mailbox mailbox;

    private List<R> buffer;
    private boolean timerPending;
    /** The batch timeout passed while a batch was being scored: send the buffer as soon as it is done. */
    private boolean flushDue;
    /** The batch handed to the scoring and not emitted yet, or null. */
    private InFlight<B> inFlight;

    /**
     * @param batchSize requests per batch at most (at least 1)
     * @param timeoutMs how long the first request of a batch waits for more (0: not at all)
     * @param betweenBatches runs at every batch boundary, while no batch is in flight
     * @param scoring the executor that scores batches while the caller goes on; null: score on the caller's thread
     */
    MicroBatcher(int batchSize, long timeoutMs, Stages<R, B> stages, Step betweenBatches, Executor scoring,
            Timer timer, Mailbox mailbox) {
        this.batchSize = Math.max(1, batchSize);
        this.timeoutMs = Math.max(0, timeoutMs);
        this.stages = stages;
        this.betweenBatches = betweenBatches;
        this.scoring = scoring;
        this.timer = timer;
        this.mailbox = mailbox;
        this.buffer = new ArrayList<>(this.batchSize);
    }

    /** Buffers a request; sends the buffer when it is full, or arranges for its timeout. */
    void add(R request) throws Exception {
        buffer.add(request);
        if (buffer.size() >= batchSize) {
            flush();
        } else if (timeoutMs == 0) {
            flushWhenIdle();
        } else if (!timerPending && !flushDue) {
            timerPending = true;
            timer.schedule(timeoutMs, () -> {
                timerPending = false;
                flushWhenIdle();
            });
        }
    }

    /** Sends the buffer, then emits every batch still owed: afterwards nothing is buffered or in flight. */
    void flushAll() throws Exception {
        flush();
        emitInFlight();
    }

    /** Waits for the batch in flight, if any, and emits it: afterwards no batch is being scored. */
    void emitInFlight() throws Exception {
        B done = awaitInFlight();
        if (done != null) {
            stages.emit(done);
        }
    }

    /** Whether a batch was handed to the scoring and not emitted yet (it may be scored already). */
    boolean hasBatchInFlight() {
        return inFlight != null;
    }

    /** How many requests wait in the buffer. */
    int buffered() {
        return buffer.size();
    }

    /**
     * Sends the buffered requests (if any): opens them as a batch while the batch in flight is still
     * being scored, awaits and finishes that batch, runs {@code betweenBatches}, hands the new batch
     * to the scoring, and only then emits the finished batch, so that the scoring is not idle while
     * this thread emits. Without overlap the new batch is emitted at once too.
     */
    void flush() throws Exception {
        flushDue = false;
        B next = buffer.isEmpty() ? null : stages.open(takeBuffer());
        B previous = awaitInFlight();
        betweenBatches.run();
        if (next != null) {
            start(next);
        }
        if (previous != null) {
            stages.emit(previous);
        }
        if (scoring == null) {
            emitInFlight();
        }
    }

    private List<R> takeBuffer() {
        List<R> taken = buffer;
        buffer = new ArrayList<>(batchSize);
        return taken;
    }

    /** The timeout passed: send the buffer now if nothing is being scored, else as soon as the batch in flight is done. */
    private void flushWhenIdle() throws Exception {
        if (busy()) {
            flushDue = true;
        } else {
            flush();
        }
    }

    /** Whether a batch is still being scored. */
    private boolean busy() {
        return inFlight != null && !inFlight.done().isDone();
    }

    /** Hands a batch to the scoring: it becomes the batch in flight. */
    private void start(B batch) throws Exception {
        stages.beforeScoring(batch);
        if (scoring == null) {
            stages.score(batch);
            inFlight = new InFlight<>(batch, CompletableFuture.completedFuture(null));
            return;
        }
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> stages.score(batch), scoring);
        inFlight = new InFlight<>(batch, done);
        done.whenComplete((ignored, failure) -> mailbox.post(this::emitIfDone));
    }

    /** Posted by the scoring when a batch is done: emit it (unless emitted already) and send a buffer that is due. */
    private void emitIfDone() throws Exception {
        if (busy()) {
            return; // a newer batch: its own step comes when it is done
        }
        if (flushDue) {
            flush(); // emits the batch in flight first
        } else {
            emitInFlight();
        }
    }

    /** Waits for the batch in flight and finishes it; returns it, or null when none is in flight. */
    private B awaitInFlight() throws Exception {
        InFlight<B> f = inFlight;
        if (f == null) {
            return null;
        }
        inFlight = null;
        try {
            f.done().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        }
        stages.scored(f.batch());
        return f.batch();
    }

    /** A batch handed to the scoring, and when it is scored. */
    private record InFlight<B>(B batch, CompletableFuture<Void> done) {}
}
