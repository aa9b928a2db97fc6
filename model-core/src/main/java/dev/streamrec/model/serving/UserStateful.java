package dev.streamrec.model.serving;

import java.util.List;

/**
 * A recommender that keeps per-user state which the stream stores in the user's keyed state and
 * hands back with the user's next request (MISSRec: the working set of its interest clustering;
 * BM3: the user's observed edges), so that an event updates the state instead of recomputing it
 * from the whole history.
 */
public interface UserStateful extends Recommender {

    /**
     * Top-K for each request like {@link #recommend}, plus the user's state to store after it. Each
     * request carries the state stored after the user's previous event (or null); a model that
     * cannot use it (another version, another history) starts over from the history.
     */
    List<Answer> answer(List<RecommendRequest> batch);
}
