package dev.streamrec.model.serving;

import java.util.List;

/**
 * A {@link Recommender}'s answer to one request when per-user state is involved: the top-K items,
 * best first, and the user's state to store until the next event (null when the model keeps none).
 */
public record Answer(List<ScoredItem> items, byte[] userState) {}
