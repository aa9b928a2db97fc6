package dev.streamrec.jobs.eval;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Combines a scoring subtask's prequential tests into {@link EvalSegment}s before they cross the
 * network to the aggregation (one key per model version, so one subtask would otherwise read,
 * update and write its RocksDB totals for every single test), grouped by {@link EvalSegments}.
 * Tests are held at most {@code intervalMs} or {@code maxTests} tests, and never across a
 * checkpoint: everything held is sent before the barrier, so exactly-once holds without state of
 * its own. Per model version the segments keep the order of the tests.
 */
public final class EvalCombiner extends AbstractStreamOperator<EvalSegment>
        implements OneInputStreamOperator<EvalRecord, EvalSegment> {

    private static final long serialVersionUID = 1L;

    /** Tests held at most before they are sent (the job's bound; {@code eval.combine-interval} says so). */
    public static final int MAX_TESTS = 1000;

    private final int[] cutoffs;
    private final long windowMs;
    private final long cutMillis;
    private final long intervalMs;
    private final int maxTests;

    private transient EvalSegments held;
    private transient boolean timerPending;

    public EvalCombiner(int[] cutoffs, long windowMs, long intervalMs, int maxTests) {
        this(cutoffs, windowMs, intervalMs, maxTests, EvalSegments.NO_CUT);
    }

    /** With an evaluation cut: segments also end where event time reaches {@code cutMillis} ({@code eval.cut}). */
    public EvalCombiner(int[] cutoffs, long windowMs, long intervalMs, int maxTests, long cutMillis) {
        this.cutoffs = cutoffs.clone();
        this.windowMs = windowMs;
        this.cutMillis = cutMillis;
        this.intervalMs = Math.max(0, intervalMs);
        this.maxTests = Math.max(1, maxTests);
    }

    @Override
    public void open() throws Exception {
        super.open();
        held = new EvalSegments(cutoffs, windowMs, cutMillis);
    }

    @Override
    public void processElement(StreamRecord<EvalRecord> element) throws Exception {
        held.add(element.getValue());
        if (held.tests() >= maxTests || intervalMs == 0) {
            send();
        } else if (!timerPending) {
            timerPending = true;
            long now = getProcessingTimeService().getCurrentProcessingTime();
            getProcessingTimeService().registerTimer(now + intervalMs, t -> {
                timerPending = false;
                send();
            });
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        send();
    }

    @Override
    public void finish() throws Exception {
        send();
        super.finish();
    }

    private void send() {
        for (EvalSegment s : held.drain()) {
            output.collect(new StreamRecord<>(s));
        }
    }
}
