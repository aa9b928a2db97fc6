package dev.streamrec.model.serving;

import java.util.List;

/** A recommender that learns from every accepted interaction of the stream (the incremental baselines). */
public interface LearnsOnline extends Recommender {

    /**
     * Learns from one accepted interaction, after it was answered. The history is the user's items
     * before this one, oldest first.
     */
    void observe(String userId, List<String> historyBefore, String itemId, long timestampMillis);
}
