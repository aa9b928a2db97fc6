package dev.streamrec.model.serving;

import java.util.List;

/**
 * What a {@link Recommender} is asked: the user, the user's recent items (oldest first, the newest
 * last, already including the event being answered), how many items to return, whether the items
 * of the history are excluded from the answer, and — for models that keep per-user state
 * ({@link UserStateful}) — the state the stream stored for this user after the
 * previous event (null when there is none).
 */
public record RecommendRequest(String userId, List<String> history, int k, boolean excludeHistory, byte[] userState) {

    /** A request without per-user state. */
    public RecommendRequest(String userId, List<String> history, int k, boolean excludeHistory) {
        this(userId, history, k, excludeHistory, null);
    }

    /** The same request carrying the given per-user state. */
    public RecommendRequest withUserState(byte[] state) {
        return new RecommendRequest(userId, history, k, excludeHistory, state);
    }
}
