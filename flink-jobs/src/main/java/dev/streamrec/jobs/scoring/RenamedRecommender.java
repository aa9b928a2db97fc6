package dev.streamrec.jobs.scoring;

import dev.streamrec.model.serving.Answer;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.Recommender;
import dev.streamrec.model.serving.ScoredItem;

import java.util.List;
import java.util.Map;

/**
 * Serves a model under another name, so one model can run side by side with itself (for example
 * {@code sasrec-ft=sasrec}: the fine-tuned line next to the frozen one).
 */
final class RenamedRecommender implements Recommender {

    private final String name;
    private final Recommender delegate;

    RenamedRecommender(String name, Recommender delegate) {
        this.name = name;
        this.delegate = delegate;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String version() {
        return delegate.version();
    }

    @Override
    public List<List<ScoredItem>> recommend(List<RecommendRequest> batch) {
        return delegate.recommend(batch);
    }

    @Override
    public boolean recommendsConcurrently() {
        return delegate.recommendsConcurrently();
    }

    @Override
    public boolean keepsUserState() {
        return delegate.keepsUserState();
    }

    @Override
    public List<Answer> answer(List<RecommendRequest> batch) {
        return delegate.answer(batch);
    }

    @Override
    public boolean sumsUserStates() {
        return delegate.sumsUserStates();
    }

    @Override
    public void userStateStored(byte[] previous, byte[] stored) {
        delegate.userStateStored(previous, stored);
    }

    @Override
    public void forgetUserStates() {
        delegate.forgetUserStates();
    }

    @Override
    public Map<String, Integer> countsChanged(byte[] previous, byte[] stored) {
        return delegate.countsChanged(previous, stored);
    }

    @Override
    public void addCountsOfOtherUsers(Map<String, Integer> delta) {
        delegate.addCountsOfOtherUsers(delta);
    }

    @Override
    public void observe(String userId, List<String> historyBefore, String itemId, long timestampMillis) {
        delegate.observe(userId, historyBefore, itemId, timestampMillis);
    }

    @Override
    public void upsertItem(String itemId, String text, Map<String, float[]> modalities) {
        delegate.upsertItem(itemId, text, modalities);
    }

    @Override
    public byte[] snapshotState() {
        return delegate.snapshotState();
    }

    @Override
    public void restoreState(byte[] state, double share) {
        delegate.restoreState(state, share);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
