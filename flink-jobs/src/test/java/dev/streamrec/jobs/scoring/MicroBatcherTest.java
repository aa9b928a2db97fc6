package dev.streamrec.jobs.scoring;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The micro-batcher alone, with a fake timer and mailbox and a scoring thread the test lets go
 * batch by batch: batch size and timeout, one batch in flight with the next one filling, answers
 * in order, the flush that leaves nothing behind, the order of the stages, and failures.
 */
class MicroBatcherTest {

    /** Records every stage; scoring waits for the test's permit when {@link #gate} is set. */
    private static final class Recorder implements MicroBatcher.Stages<String, List<String>> {
        final List<String> log = Collections.synchronizedList(new ArrayList<>());
        final List<String> scores = Collections.synchronizedList(new ArrayList<>());
        final List<List<String>> emitted = new ArrayList<>();
        Semaphore gate;
        RuntimeException failure;

        @Override
        public List<String> open(List<String> requests) {
            log.add("open " + requests);
            return requests;
        }

        @Override
        public void beforeScoring(List<String> batch) {
            log.add("before " + batch);
        }

        @Override
        public void score(List<String> batch) {
            if (gate != null) {
                gate.acquireUninterruptibly();
            }
            scores.add("score " + batch);
            if (failure != null) {
                throw failure;
            }
        }

        @Override
        public void scored(List<String> batch) {
            log.add("scored " + batch);
        }

        @Override
        public void emit(List<String> batch) {
            log.add("emit " + batch);
            emitted.add(batch);
        }
    }

    /** Timer steps and mailbox steps, run when the test says (as the task thread would). */
    private final Queue<MicroBatcher.Step> timers = new ArrayDeque<>();
    private final List<Long> delays = new ArrayList<>();
    private final Queue<MicroBatcher.Step> mails = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final Recorder stages = new Recorder();
    private final List<String> between = new ArrayList<>();
    private ExecutorService scoringThread;

    @AfterEach
    void stop() {
        if (scoringThread != null) {
            scoringThread.shutdownNow();
        }
    }

    private MicroBatcher<String, List<String>> inline(int batchSize, long timeoutMs) {
        return new MicroBatcher<>(batchSize, timeoutMs, stages, () -> {
            between.add("between");
            stages.log.add("between");
        }, null,
                (delay, step) -> {
                    delays.add(delay);
                    timers.add(step);
                }, mails::add);
    }

    private MicroBatcher<String, List<String>> overlapping(int batchSize, long timeoutMs) {
        scoringThread = Executors.newSingleThreadExecutor();
        stages.gate = new Semaphore(0);
        return new MicroBatcher<>(batchSize, timeoutMs, stages, () -> stages.log.add("between"), scoringThread,
                (delay, step) -> {
                    delays.add(delay);
                    timers.add(step);
                }, mails::add);
    }

    private void fireTimer() throws Exception {
        timers.remove().run();
    }

    /** Lets the scoring finish one batch and waits for its mail. */
    private MicroBatcher.Step scoreOne() throws InterruptedException {
        stages.gate.release();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (mails.isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the scoring thread posts a mail when a batch is done");
            Thread.sleep(1);
        }
        return mails.remove();
    }

    @Test
    void shouldSendAFullBufferAtOnceAndEmitInOrderWithoutOverlap() throws Exception {
        var batcher = inline(3, 1000);
        for (String r : List.of("a", "b", "c", "d", "e", "f", "g")) {
            batcher.add(r);
        }
        assertEquals(List.of(List.of("a", "b", "c"), List.of("d", "e", "f")), stages.emitted);
        assertEquals(1, batcher.buffered());
        assertFalse(batcher.hasBatchInFlight(), "without overlap a batch is emitted as soon as it is scored");
        assertEquals(List.of(1000L), delays, "a timer still pending covers the next batch too");
    }

    @Test
    void shouldSendAPartialBufferWhenItsTimeoutPasses() throws Exception {
        var batcher = inline(10, 50);
        batcher.add("a");
        batcher.add("b");
        assertEquals(1, timers.size(), "the second request does not arm another timer");
        assertEquals(List.of(), stages.emitted);
        fireTimer();
        assertEquals(List.of(List.of("a", "b")), stages.emitted);
        batcher.add("c");
        assertEquals(1, timers.size(), "the next batch has its own timer");
        fireTimer();
        assertEquals(List.of(List.of("a", "b"), List.of("c")), stages.emitted);
    }

    @Test
    void shouldSendEachRequestAloneWithoutTimeoutWhileIdle() throws Exception {
        var batcher = inline(10, 0);
        batcher.add("a");
        batcher.add("b");
        assertEquals(List.of(List.of("a"), List.of("b")), stages.emitted);
        assertTrue(timers.isEmpty());
    }

    @Test
    void shouldRunTheStagesInOrderAroundTheBatchInFlight() throws Exception {
        var batcher = overlapping(2, 1000);
        batcher.add("a");
        batcher.add("b"); // full: scored on the scoring thread
        assertTrue(batcher.hasBatchInFlight());
        batcher.add("c");
        stages.gate.release(2);
        batcher.add("d"); // full: opened while [a, b] may still be scored, which is then awaited
        batcher.flushAll();
        assertEquals(List.of(
                "open [a, b]", "between", "before [a, b]",
                "open [c, d]", "scored [a, b]", "between", "before [c, d]", "emit [a, b]",
                "scored [c, d]", "between", "emit [c, d]"),
                stages.log, "the caller's stages");
        assertEquals(List.of("score [a, b]", "score [c, d]"), stages.scores);
        assertFalse(batcher.hasBatchInFlight());
        assertEquals(0, batcher.buffered());
    }

    @Test
    void shouldKeepFillingPastTheTimeoutWhileABatchIsScoredAndSendItWhenTheBatchIsDone() throws Exception {
        var batcher = overlapping(4, 50);
        for (String r : List.of("a", "b", "c", "d")) {
            batcher.add(r); // full: [a, b, c, d] in flight, held
        }
        batcher.add("e");
        batcher.add("f");
        fireTimer(); // [a, b, c, d] is still being scored: [e, f] waits for it instead of queueing behind it
        assertEquals(2, batcher.buffered());
        batcher.add("g"); // the buffer keeps filling past the timeout
        assertTrue(timers.isEmpty(), "a due buffer arms no timer");
        assertEquals(3, batcher.buffered());
        assertEquals(List.of(), stages.emitted);
        scoreOne().run(); // [a, b, c, d] done: emitted, and the due buffer goes out
        assertEquals(List.of(List.of("a", "b", "c", "d")), stages.emitted);
        assertEquals(0, batcher.buffered());
        assertTrue(batcher.hasBatchInFlight());
        scoreOne().run();
        assertEquals(List.of(List.of("a", "b", "c", "d"), List.of("e", "f", "g")), stages.emitted);
        assertFalse(batcher.hasBatchInFlight());
    }

    @Test
    void shouldIgnoreTheMailOfAnOlderBatchWhileANewerOneIsScored() throws Exception {
        var batcher = overlapping(2, 1000);
        batcher.add("a");
        batcher.add("b"); // [a, b] in flight
        stages.gate.release();
        batcher.add("c");
        batcher.add("d"); // awaits [a, b], emits it; [c, d] in flight (held)
        assertEquals(List.of(List.of("a", "b")), stages.emitted);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (mails.isEmpty()) {
            assertTrue(System.nanoTime() < deadline);
            Thread.sleep(1);
        }
        mails.remove().run(); // [a, b]'s mail: [c, d] is still scored, nothing to do
        assertEquals(List.of(List.of("a", "b")), stages.emitted);
        assertTrue(batcher.hasBatchInFlight());
        scoreOne().run();
        assertEquals(List.of(List.of("a", "b"), List.of("c", "d")), stages.emitted);
    }

    @Test
    void shouldIgnoreTheMailOfABatchEmittedAlready() throws Exception {
        var batcher = overlapping(2, 1000);
        batcher.add("a");
        batcher.add("b");
        stages.gate.release();
        batcher.emitInFlight(); // e.g. a control message: the batch is awaited and emitted before its mail runs
        assertEquals(List.of(List.of("a", "b")), stages.emitted);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (mails.isEmpty()) {
            assertTrue(System.nanoTime() < deadline);
            Thread.sleep(1);
        }
        mails.remove().run();
        assertEquals(List.of(List.of("a", "b")), stages.emitted, "emitted once");
    }

    @Test
    void shouldLeaveNothingBufferedOrInFlightAfterFlushAll() throws Exception {
        var batcher = overlapping(4, 1000);
        for (String r : List.of("a", "b", "c", "d", "e", "f")) {
            batcher.add(r);
        }
        stages.gate.release(2);
        batcher.flushAll();
        assertEquals(List.of(List.of("a", "b", "c", "d"), List.of("e", "f")), stages.emitted);
        assertEquals(0, batcher.buffered());
        assertFalse(batcher.hasBatchInFlight());
        batcher.flushAll(); // nothing owed: nothing happens
        assertEquals(2, stages.emitted.size());
    }

    @Test
    void shouldThrowAScoringFailureOnTheCallersThreadWhenTheBatchIsAwaited() throws Exception {
        var batcher = overlapping(1, 1000);
        IllegalStateException boom = new IllegalStateException("boom");
        stages.failure = boom;
        stages.gate.release();
        batcher.add("a");
        Exception thrown = assertThrows(Exception.class, batcher::emitInFlight);
        assertSame(boom, thrown);
        assertEquals(List.of(), stages.emitted);
        assertFalse(batcher.hasBatchInFlight());
    }

    @Test
    void shouldFinishTheBatchInFlightBeforeTheNextOneIsPrepared() throws Exception {
        var batcher = inline(1, 0);
        batcher.add("a");
        batcher.add("b");
        int scoredA = stages.log.indexOf("scored [a]");
        int beforeB = stages.log.indexOf("before [b]");
        assertTrue(scoredA >= 0 && scoredA < beforeB, stages.log.toString());
        assertEquals(List.of("between", "between"), between);
    }
}
