package dev.streamrec.model.serving;

import java.util.List;

/**
 * What a {@link Recommender} is asked: the user, the user's recent items (oldest first, the newest
 * last, already including the event being answered), how many items to return, and whether the
 * items of the history are excluded from the answer.
 */
public record RecommendRequest(String userId, List<String> history, int k, boolean excludeHistory) {}
