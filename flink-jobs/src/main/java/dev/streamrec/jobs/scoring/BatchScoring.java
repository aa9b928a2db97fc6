package dev.streamrec.jobs.scoring;

import dev.streamrec.model.serving.Answer;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.ScoredItem;
import dev.streamrec.schema.event.Prediction;
import dev.streamrec.schema.event.RecommendedItem;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * What a micro-batch of scoring requests goes through in the scoring operator, stage by stage as
 * the {@link MicroBatcher} calls them: the requests become model requests (each history decoded)
 * while the batch before is still being scored; then the served models are lent to the batch
 * ({@link ConfinedModels}) and each gets its users' stored states where it keeps one
 * ({@link UserModelStates}); the batch is scored and the incremental models learn from it
 * ({@link BatchInference}, on the inference thread); the task thread takes the models back and
 * writes the users' new states back; and every model's predictions are emitted, in request order,
 * with the per-version metrics ({@link ServingMetrics}). Registers and updates the
 * {@code batchSize} histogram and the {@code batchesWhileLoading} counter (batches served while a
 * new model version loads).
 */
final class BatchScoring implements MicroBatcher.Stages<ScoringRequest, BatchScoring.Batch> {

    /** A batch on its way through the models: the requests, and what each served model made of them. */
    static final class Batch {
        final List<ScoringRequest> requests;
        /** The requests as the models take them, without per-user state. */
        final List<RecommendRequest> plain;
        /** The models that score it, champion first. */
        List<ServedModel> models;
        /** Per model: whether it gets and answers per-user state. */
        boolean[] stateful;
        /** Per model: its requests (with the users' states where stateful). */
        List<List<RecommendRequest>> requestsByModel;
        /** Per model: its answers in request order; set by the scoring. */
        List<List<Answer>> answers;

        private Batch(List<ScoringRequest> requests, List<RecommendRequest> plain) {
            this.requests = requests;
            this.plain = plain;
        }
    }

    private final int topK;
    private final boolean excludeSeen;
    private final boolean keepUserState;
    private final boolean writeProcessingLatency;
    private final ConfinedModels models;
    private final UserModelStates userStates;
    private final BatchInference inference;
    private final BooleanSupplier loading;
    private final ServingMetrics metrics;
    private final Histogram batchSizes;
    private final Counter batchesWhileLoading;
    private final Consumer<ScoredEvent> out;

    /**
     * @param keepUserState whether models that keep per-user state get it (else they recompute it every event)
     * @param loading whether a new model version is being loaded (for {@code batchesWhileLoading})
     * @param metrics the operator's metric group
     * @param out where predictions go (the operator's output)
     */
    BatchScoring(int topK, boolean excludeSeen, boolean keepUserState, boolean writeProcessingLatency,
            ConfinedModels models, UserModelStates userStates, BatchInference inference, BooleanSupplier loading,
            MetricGroup metrics, Consumer<ScoredEvent> out) {
        this.topK = topK;
        this.excludeSeen = excludeSeen;
        this.keepUserState = keepUserState;
        this.writeProcessingLatency = writeProcessingLatency;
        this.models = models;
        this.userStates = userStates;
        this.inference = inference;
        this.loading = loading;
        this.metrics = new ServingMetrics(metrics, models.forMetrics());
        this.batchSizes = metrics.histogram("batchSize", new DescriptiveStatisticsHistogram(1000));
        // Evidence that a load never stalls serving: batches answered while a new version loads.
        this.batchesWhileLoading = metrics.counter("batchesWhileLoading");
        this.out = out;
    }

    /** The requests as the models take them (without per-user model state). */
    @Override
    public Batch open(List<ScoringRequest> requests) {
        List<RecommendRequest> plain = new ArrayList<>(requests.size());
        for (ScoringRequest r : requests) {
            plain.add(new RecommendRequest(r.userId, r.history(), topK, excludeSeen));
        }
        return new Batch(requests, plain);
    }

    /**
     * Lends the served models to the batch and reads the per-user model states, after the previous
     * batch wrote its own back: a user in both sees the newest.
     */
    @Override
    public void beforeScoring(Batch batch) throws Exception {
        batchSizes.update(batch.requests.size());
        if (loading.getAsBoolean()) {
            batchesWhileLoading.inc();
        }
        List<ServedModel> served = models.lend();
        boolean[] stateful = new boolean[served.size()];
        List<List<RecommendRequest>> requests = new ArrayList<>(served.size());
        for (int m = 0; m < served.size(); m++) {
            stateful[m] = keepUserState && served.get(m).userState().isPresent();
            requests.add(stateful[m] ? userStates.attach(served.get(m), batch.plain) : batch.plain);
        }
        batch.models = served;
        batch.stateful = stateful;
        batch.requestsByModel = requests;
    }

    /** Scores the batch with every model it was lent, then lets them learn from it. */
    @Override
    public void score(Batch batch) {
        batch.answers = inference.run(batch.requests, batch.models, batch.requestsByModel, batch.stateful);
    }

    /** Takes the models back and writes the users' new model states back, before any later batch reads them. */
    @Override
    public void scored(Batch batch) throws Exception {
        models.returned();
        for (int m = 0; m < batch.models.size(); m++) {
            if (batch.stateful[m]) {
                userStates.store(batch.models.get(m), batch.requestsByModel.get(m), batch.answers.get(m));
            }
        }
    }

    /** Emits the batch's predictions, model by model, each in request order. */
    @Override
    public void emit(Batch batch) {
        for (int m = 0; m < batch.models.size(); m++) {
            emitPredictions(batch.models.get(m), batch.requests, batch.answers.get(m));
        }
    }

    private void emitPredictions(ServedModel model, List<ScoringRequest> batch, List<Answer> answers) {
        long now = System.currentTimeMillis();
        ServingMetrics.PerVersion m = metrics.of(model);
        for (int i = 0; i < batch.size(); i++) {
            ScoringRequest r = batch.get(i);
            List<ScoredItem> top = answers.get(i).items();
            List<RecommendedItem> items = new ArrayList<>(top.size());
            for (ScoredItem s : top) {
                items.add(new RecommendedItem(s.itemId(), s.score()));
            }
            long latency = Math.max(0, now - r.ingestTimeMillis);
            Prediction p = new Prediction(r.eventId, r.userId, r.timestamp, model.name(), model.version(), items, latency);
            if (writeProcessingLatency && r.readAtMillis > 0) {
                p.processingMs = Math.max(0, now - r.readAtMillis);
            }
            out.accept(new ScoredEvent(p, r.itemId, r.inOrder));
            m.predicted(latency);
        }
    }
}
