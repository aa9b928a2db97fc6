package dev.streamrec.model.serving;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A next-item scorer the stream can run: the contract between model-core and the Flink operators.
 * Implementations are the incremental baselines and the trained models (KDSR encoders, MISSRec,
 * BM3). Batches let a model do one forward pass for many users; the answers come back in request
 * order. A recommender is used by one thread at a time, except that one which says
 * {@link #recommendsConcurrently()} may answer several slices of a batch at once.
 */
public interface Recommender extends AutoCloseable {

    /** The model name that predictions carry, e.g. {@code popularity}, {@code kdsr-sasrec}. */
    String name();

    /** The version that predictions carry (an artifact version, or a baseline's fixed tag). */
    String version();

    /** Top-K for each request, best first, in request order. */
    List<List<ScoredItem>> recommend(List<RecommendRequest> batch);

    /**
     * Whether {@link #recommend} and {@link #answer} may run on several threads at once, for disjoint
     * slices of one batch, while nothing else (observe, upsert, close) runs on the model: serving then splits a batch
     * across single-threaded inference threads ({@link SlicedBatches}). Only models audited for it
     * say yes: no lazily filled caches outside a lock, no shared buffers, NDArrays closed by the call.
     */
    default boolean recommendsConcurrently() {
        return false;
    }

    /**
     * Whether this model keeps per-user state that the stream stores in the user's keyed state and
     * hands back with the user's next request (MISSRec: the working set of its interest clustering),
     * so that an event updates the state instead of recomputing it from the whole history.
     */
    default boolean keepsUserState() {
        return false;
    }

    /**
     * Top-K for each request like {@link #recommend}, plus the user's state to store after it. Each
     * request carries the state stored after the user's previous event (or null); a model that
     * cannot use it (another version, another history) starts over from the history. Models without
     * per-user state answer with null states.
     */
    default List<Answer> answer(List<RecommendRequest> batch) {
        return withoutState(recommend(batch));
    }

    /** Answers without per-user state. */
    static List<Answer> withoutState(List<List<ScoredItem>> items) {
        List<Answer> answers = new ArrayList<>(items.size());
        for (List<ScoredItem> top : items) {
            answers.add(new Answer(top, null));
        }
        return answers;
    }

    /** The items of each answer, in order (a stateful model's {@link #recommend} over its answers). */
    static List<List<ScoredItem>> itemsOf(List<Answer> answers) {
        List<List<ScoredItem>> items = new ArrayList<>(answers.size());
        for (Answer a : answers) {
            items.add(a.items());
        }
        return items;
    }

    /**
     * Whether this model keeps shared state that is a sum over its users' stored states (BM3: an
     * item's observed degree counts the users whose stored edges reach it). The stream then reports
     * every change of a stored state to {@link #userStateStored} and, after a restore, every stored
     * state once, so that the shared state follows the users to whichever subtask a rescaled job
     * gives them; the model does not checkpoint that state itself.
     */
    default boolean sumsUserStates() {
        return false;
    }

    /**
     * A user's stored state went from {@code previous} (null: none) to {@code stored}: once per user
     * and answered batch, with the state read before the batch and the one written after it, and
     * after a restore once per stored state, from null. Called only by the thread that owns the
     * model, never while a batch is being answered.
     */
    default void userStateStored(byte[] previous, byte[] stored) {}

    /**
     * Drops everything {@link #userStateStored} counted, before the stream hands the model every
     * stored state again: a periodic recount, so that states the stream's TTL expired (which it
     * cannot report one by one) stop counting. Same thread rules as {@link #userStateStored}.
     */
    default void forgetUserStates() {}

    /**
     * What {@link #userStateStored} with the same states changes in this model's shared state, as
     * counts by key (BM3: the users whose stored edges reach an item, by item id), without
     * changing it; nothing for states of another version. With several scoring subtasks the stream
     * sends these per key group to the other subtasks, which do not hold this user's state, so that
     * each can {@link #addCountsOfOtherUsers add} them.
     */
    default Map<String, Integer> countsChanged(byte[] previous, byte[] stored) {
        return Map.of();
    }

    /**
     * Adds what the users served by other subtasks changed in this model's shared state, by key as
     * {@link #countsChanged} gives them (negative: counts they no longer hold). Unlike what
     * {@link #userStateStored} counted, {@link #forgetUserStates} keeps these. Same thread rules as
     * {@link #userStateStored}.
     */
    default void addCountsOfOtherUsers(Map<String, Integer> delta) {}

    /**
     * Learns from one accepted interaction, after it was answered (incremental models). The history
     * is the user's items before this one, oldest first.
     */
    default void observe(String userId, List<String> historyBefore, String itemId, long timestampMillis) {}

    /** Adds or replaces an item's features (from the item-features topic); models that can, score it at once. */
    default void upsertItem(String itemId, String text, Map<String, float[]> modalities) {}

    /** Incremental state to checkpoint (null when the model has none beyond its artifact). */
    default byte[] snapshotState() {
        return null;
    }

    /**
     * Adds {@code share} of what {@link #snapshotState} returned to a freshly loaded model: called
     * once per snapshot the subtask restores. After a plain restart that is its own snapshot, whole
     * ({@code share} 1); after the job was rescaled to M subtasks it is every former subtask's
     * snapshot with {@code share} 1/M, so that each new subtask holds an even part of what all of
     * them learned and together they hold it once (a model of counts scales them).
     */
    default void restoreState(byte[] state, double share) {}

    /** Releases native memory. */
    @Override
    default void close() {}
}
