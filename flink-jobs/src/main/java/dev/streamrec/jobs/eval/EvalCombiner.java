package dev.streamrec.jobs.eval;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Combines a scoring subtask's prequential tests into {@link EvalSegment}s before they cross the
 * network to the aggregation (one key per model version, so one subtask would otherwise read,
 * update and write its RocksDB totals for every single test). Tests are held at most
 * {@code intervalMs} or {@code maxTests} tests, and never across a checkpoint: everything held is
 * sent before the barrier, so exactly-once holds without state of its own. Per model version the
 * segments keep the order of the tests.
 */
public final class EvalCombiner extends AbstractStreamOperator<EvalSegment>
        implements OneInputStreamOperator<EvalRecord, EvalSegment> {

    private static final long serialVersionUID = 1L;

    /** Tests held at most before they are sent (the job's bound; {@code eval.combine-interval} says so). */
    public static final int MAX_TESTS = 1000;

    private final int[] cutoffs;
    private final long windowMs;
    private final long intervalMs;
    private final int maxTests;

    /** Per model version, its segments in the order of their tests. */
    private transient Map<String, List<EvalSegment>> held;
    private transient int heldTests;
    private transient boolean timerPending;

    public EvalCombiner(int[] cutoffs, long windowMs, long intervalMs, int maxTests) {
        this.cutoffs = cutoffs.clone();
        this.windowMs = windowMs;
        this.intervalMs = Math.max(0, intervalMs);
        this.maxTests = Math.max(1, maxTests);
    }

    @Override
    public void open() throws Exception {
        super.open();
        held = new LinkedHashMap<>();
    }

    @Override
    public void processElement(StreamRecord<EvalRecord> element) throws Exception {
        EvalRecord r = element.getValue();
        long start = EvalSegment.windowStart(r.timestamp, windowMs);
        List<EvalSegment> segments = held.computeIfAbsent(r.modelKey(), k -> new ArrayList<>());
        EvalSegment last = segments.isEmpty() ? null : segments.get(segments.size() - 1);
        if (last == null || last.windowStart != start) {
            last = new EvalSegment(r.model, r.modelVersion, start, new EvalTotals(cutoffs));
            segments.add(last);
        }
        last.totals.add(r.rank, r.timestamp);
        heldTests++;
        if (heldTests >= maxTests || intervalMs == 0) {
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
        for (List<EvalSegment> segments : held.values()) {
            for (EvalSegment s : segments) {
                output.collect(new StreamRecord<>(s));
            }
        }
        held.clear();
        heldTests = 0;
    }
}
