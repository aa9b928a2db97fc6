package dev.streamrec.jobs.finetune;

import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.metrics.MetricAccumulator;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.Recommender;
import dev.streamrec.model.serving.ScoredItem;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validation data of a fine-tuning round: the window split in time, the newest fraction held
 * out. Each held-out event is a case (history = the user's earlier events, newest last, bounded),
 * and any {@link Recommender} is scored on the cases by HR@10, NDCG@10 and MRR, so the serving
 * model and the candidate are compared on exactly the same events.
 */
public final class HeldOutSlice {

    /** One held-out event: the user's history before it and the item chosen. */
    public record Case(String userId, List<String> history, String target) {}

    private final List<Interaction> training;
    private final List<Case> cases;

    private HeldOutSlice(List<Interaction> training, List<Case> cases) {
        this.training = training;
        this.cases = cases;
    }

    /** Splits a time-ordered window: the last {@code fraction} of events are held out. */
    public static HeldOutSlice of(List<Interaction> window, double fraction, int maxHistory) {
        int cut = (int) Math.floor(window.size() * (1 - fraction));
        List<Interaction> train = new ArrayList<>(window.subList(0, cut));
        Map<String, List<String>> histories = new LinkedHashMap<>();
        for (Interaction i : train) {
            histories.computeIfAbsent(i.userId(), u -> new ArrayList<>()).add(i.itemId());
        }
        List<Case> cases = new ArrayList<>();
        for (Interaction i : window.subList(cut, window.size())) {
            List<String> h = histories.computeIfAbsent(i.userId(), u -> new ArrayList<>());
            if (!h.isEmpty()) {
                cases.add(new Case(i.userId(), new ArrayList<>(h.subList(Math.max(0, h.size() - maxHistory), h.size())),
                        i.itemId()));
            }
            h.add(i.itemId());
        }
        return new HeldOutSlice(train, cases);
    }

    public List<Interaction> training() {
        return training;
    }

    public List<Case> cases() {
        return cases;
    }

    /**
     * Scores a recommender on the held-out cases (top-20 lists, history excluded); a model that
     * produces non-finite scores (a diverged training) fails instead of ranking arbitrarily.
     */
    public MetricAccumulator evaluate(Recommender model, int batchSize) {
        MetricAccumulator acc = new MetricAccumulator(10, 20);
        for (int from = 0; from < cases.size(); from += batchSize) {
            List<Case> batch = cases.subList(from, Math.min(cases.size(), from + batchSize));
            List<RecommendRequest> requests = new ArrayList<>(batch.size());
            for (Case c : batch) {
                requests.add(new RecommendRequest(c.userId(), c.history(), 20, true));
            }
            List<List<ScoredItem>> answers = model.recommend(requests);
            for (int i = 0; i < batch.size(); i++) {
                int rank = 0;
                List<ScoredItem> a = answers.get(i);
                for (ScoredItem item : a) {
                    if (!Float.isFinite(item.score())) {
                        throw new IllegalStateException("model " + model.version() + " produces non-finite scores");
                    }
                }
                for (int r = 0; r < a.size(); r++) {
                    if (a.get(r).itemId().equals(batch.get(i).target())) {
                        rank = r + 1;
                        break;
                    }
                }
                acc.add(rank);
            }
        }
        return acc;
    }
}
