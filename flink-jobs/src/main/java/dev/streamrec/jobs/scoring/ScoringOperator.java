package dev.streamrec.jobs.scoring;

import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.Recommender;
import dev.streamrec.model.serving.ScoredItem;
import dev.streamrec.schema.event.Prediction;
import dev.streamrec.schema.event.RecommendedItem;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs every configured {@link Recommender} over the stream with micro-batching across users: up to
 * {@code batchSize} requests or {@code batchTimeoutMs} per forward pass, answers in arrival order
 * (so per-user order holds), the buffer flushed before every checkpoint barrier so exactly-once
 * holds. After answering, incremental models learn from the events. Their state is checkpointed as
 * operator state. Models load in {@code open()} and release native memory in {@code close()}.
 */
public final class ScoringOperator extends AbstractStreamOperator<ScoredEvent>
        implements OneInputStreamOperator<ScoringRequest, ScoredEvent> {

    private static final long serialVersionUID = 1L;

    private static final ListStateDescriptor<ModelStateBlob> MODEL_STATE =
            new ListStateDescriptor<>("recommender-state", TypeInformation.of(ModelStateBlob.class));

    private final RecommenderFactory factory;
    private final int topK;
    private final boolean excludeSeen;
    private final int batchSize;
    private final long batchTimeoutMs;

    private transient List<Recommender> recommenders;
    private transient List<ScoringRequest> buffer;
    private transient boolean timerPending;
    private transient ListState<ModelStateBlob> modelState;
    private transient Map<String, byte[]> restored;
    private transient Counter predictions;
    private transient Histogram batchSizes;

    public ScoringOperator(
            RecommenderFactory factory, int topK, boolean excludeSeen, int batchSize, long batchTimeoutMs) {
        this.factory = factory;
        this.topK = topK;
        this.excludeSeen = excludeSeen;
        this.batchSize = Math.max(1, batchSize);
        this.batchTimeoutMs = Math.max(0, batchTimeoutMs);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        modelState = context.getOperatorStateStore().getListState(MODEL_STATE);
        restored = new HashMap<>();
        if (context.isRestored()) {
            for (ModelStateBlob b : modelState.get()) {
                restored.putIfAbsent(b.model, b.state);
            }
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        recommenders = factory.create();
        for (Recommender r : recommenders) {
            byte[] s = restored.get(r.name());
            if (s != null) {
                r.restoreState(s);
            }
        }
        restored = null;
        buffer = new ArrayList<>(batchSize);
        predictions = getMetricGroup().counter("predictions");
        batchSizes = getMetricGroup().histogram("batchSize", new DescriptiveStatisticsHistogram(1000));
    }

    @Override
    public void processElement(StreamRecord<ScoringRequest> element) throws Exception {
        buffer.add(element.getValue());
        if (buffer.size() >= batchSize || batchTimeoutMs == 0) {
            flush();
        } else if (!timerPending) {
            timerPending = true;
            long now = getProcessingTimeService().getCurrentProcessingTime();
            getProcessingTimeService().registerTimer(now + batchTimeoutMs, t -> {
                timerPending = false;
                flush();
            });
        }
    }

    /** Scores the buffered requests with every model (one call per model), then lets them learn. */
    private void flush() {
        if (buffer.isEmpty()) {
            return;
        }
        List<RecommendRequest> requests = new ArrayList<>(buffer.size());
        for (ScoringRequest r : buffer) {
            requests.add(new RecommendRequest(r.userId, r.history, topK, excludeSeen));
        }
        batchSizes.update(buffer.size());
        for (Recommender model : recommenders) {
            List<List<ScoredItem>> answers = model.recommend(requests);
            long now = System.currentTimeMillis();
            for (int i = 0; i < buffer.size(); i++) {
                ScoringRequest r = buffer.get(i);
                List<RecommendedItem> items = new ArrayList<>(answers.get(i).size());
                for (ScoredItem s : answers.get(i)) {
                    items.add(new RecommendedItem(s.itemId(), s.score()));
                }
                Prediction p = new Prediction(r.eventId, r.userId, r.timestamp, model.name(), model.version(),
                        items, Math.max(0, now - r.ingestTimeMillis));
                output.collect(new StreamRecord<>(new ScoredEvent(p, r.itemId, r.inOrder)));
                predictions.inc();
            }
        }
        for (ScoringRequest r : buffer) {
            for (Recommender model : recommenders) {
                model.observe(r.userId, r.historyBefore, r.itemId, r.timestamp);
            }
        }
        buffer.clear();
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flush();
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<ModelStateBlob> blobs = new ArrayList<>();
        for (Recommender r : recommenders) {
            byte[] s = r.snapshotState();
            if (s != null) {
                blobs.add(new ModelStateBlob(r.name(), s));
            }
        }
        modelState.update(blobs);
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        if (recommenders != null) {
            recommenders.forEach(Recommender::close);
        }
        super.close();
    }
}
