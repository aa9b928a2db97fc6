package dev.streamrec.model.serving;

import java.util.List;

/**
 * A next-item scorer the stream can run: the contract every model keeps, between model-core and
 * the Flink operators. Implementations are the incremental baselines and the trained models (KDSR
 * encoders, MISSRec, BM3). Batches let a model do one forward pass for many users; the answers come
 * back in request order. A recommender is used by one thread at a time, except that one which says
 * {@link #recommendsConcurrently()} may answer several slices of a batch at once.
 *
 * <p>What only some models do is a capability interface the model implements besides this one, and
 * the stream asks for it with {@code instanceof} when it installs the model: per-user state
 * ({@link UserStateful}), shared state summed over the users' states ({@link SumsUserStates}),
 * learning from the stream's events ({@link LearnsOnline}), new items' features
 * ({@link AcceptsItemFeatures}) and incremental state in the stream's checkpoints
 * ({@link Snapshotting}).
 */
public interface Recommender extends AutoCloseable {

    /** The model name that predictions carry, e.g. {@code popularity}, {@code kdsr-sasrec}. */
    String name();

    /** The version that predictions carry (an artifact version, or a baseline's fixed tag). */
    String version();

    /** Top-K for each request, best first, in request order. */
    List<List<ScoredItem>> recommend(List<RecommendRequest> batch);

    /**
     * Whether {@link #recommend} (and {@link UserStateful#answer}) may run on several threads at
     * once, for disjoint slices of one batch, while nothing else (learning, item features, close)
     * runs on the model: serving then splits a batch across single-threaded inference threads
     * ({@link SlicedBatches}). Only models audited for it say yes: no lazily filled caches outside a
     * lock, no shared buffers, NDArrays closed by the call.
     */
    default boolean recommendsConcurrently() {
        return false;
    }

    /** Releases native memory. */
    @Override
    default void close() {}
}
