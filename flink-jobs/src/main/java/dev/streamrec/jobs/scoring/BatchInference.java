package dev.streamrec.jobs.scoring;

import dev.streamrec.model.serving.Answer;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.SlicedBatches;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Scores one micro-batch with every served model, then lets the models learn from it: the work the
 * scoring operator hands to its inference thread, so that the task thread meanwhile keeps the
 * user sequences up to date, fills the next batch and emits the previous one. Touches no Flink
 * state: per-user model state travels in the requests and comes back in the answers.
 *
 * <p>A model that fails on the batch gets each request retried alone; a request it still cannot
 * score gets an empty answer (the event keeps its one prediction and the job keeps running; the
 * failure is logged and counted). A model that cannot learn from an event is logged and counted.
 */
public final class BatchInference {

    private static final Logger LOG = LoggerFactory.getLogger(BatchInference.class);

    private final Counter modelErrors;
    private final SlicedBatches slices;

    /**
     * @param modelErrors incremented from the inference thread: must be thread-safe
     * @param slices how a batch is split across threads for models that recommend concurrently
     */
    BatchInference(Counter modelErrors, SlicedBatches slices) {
        this.modelErrors = modelErrors;
        this.slices = slices;
    }

    /**
     * @param requests one list per model (the same events; with the user's state where the model keeps one)
     * @return one answer list per model, in request order
     */
    List<List<Answer>> run(List<ScoringRequest> batch, List<ServedModel> models,
            List<List<RecommendRequest>> requests, boolean[] stateful) {
        // Models that are not sliced run here with libtorch's usual thread count, whatever the
        // slices of another operator in this JVM did to the process-wide setting.
        SlicedBatches.useDefaultThreads();
        List<List<Answer>> answers = new ArrayList<>(models.size());
        for (int m = 0; m < models.size(); m++) {
            answers.add(recommendGuarded(models.get(m), requests.get(m), stateful[m]));
        }
        List<ServedModel> learning = models.stream().filter(m -> m.learner().isPresent()).toList();
        for (ScoringRequest r : batch) {
            List<String> before = r.historyBefore();
            for (ServedModel model : learning) {
                try {
                    model.learner().get().observe(r.userId, before, r.itemId, r.timestamp);
                } catch (RuntimeException e) {
                    modelErrors.inc();
                    LOG.warn("model {} could not learn from event {}: {}", model.name(), r.eventId, e.toString());
                }
            }
        }
        return answers;
    }

    private List<Answer> recommendGuarded(ServedModel model, List<RecommendRequest> requests, boolean stateful) {
        try {
            return answer(model, requests, stateful);
        } catch (RuntimeException batchFailure) {
            List<Answer> answers = new ArrayList<>(requests.size());
            for (RecommendRequest r : requests) {
                try {
                    answers.add(answer(model, List.of(r), stateful).get(0));
                } catch (RuntimeException e) {
                    modelErrors.inc();
                    LOG.warn("model {} could not score user {}: {}", model.name(), r.userId(), e.toString());
                    answers.add(new Answer(List.of(), r.userState()));
                }
            }
            return answers;
        }
    }

    private List<Answer> answer(ServedModel model, List<RecommendRequest> requests, boolean stateful) {
        return scorer(model, stateful, slices).apply(requests);
    }

    /**
     * How the scoring operator scores a batch with a model: with per-user state when the model keeps
     * it and the job passes it on ({@code stateful}), else plain answers; in slices on several
     * threads when the model allows it, else in one call (a small batch on one libtorch thread).
     * Shared with the model-only benchmark, so that it measures the calls the job makes.
     */
    public static Function<List<RecommendRequest>, List<Answer>> scorer(ServedModel model, boolean stateful,
            SlicedBatches slices) {
        Function<List<RecommendRequest>, List<Answer>> call = stateful
                ? model.userState().orElseThrow()::answer
                : batch -> Answer.withoutState(model.model().recommend(batch));
        return model.model().recommendsConcurrently()
                ? batch -> slices.map(batch, call)
                : batch -> slices.unsliced(batch, call);
    }
}
