package dev.streamrec.model.serving;

import java.util.Map;

/**
 * A recommender with per-user state whose shared state is a sum over its users' stored states
 * (BM3: an item's observed degree counts the users whose stored edges reach it). The stream reports
 * every change of a stored state to {@link #userStateStored} and, after a restore, every stored
 * state once, so that the shared state follows the users to whichever subtask a rescaled job gives
 * them; the model does not checkpoint that state itself. With several subtasks the stream also
 * exchanges the {@link #countsChanged counts} between them.
 */
public interface SumsUserStates extends UserStateful {

    /**
     * A user's stored state went from {@code previous} (null: none) to {@code stored}: once per user
     * and answered batch, with the state read before the batch and the one written after it, and
     * after a restore once per stored state, from null. Called only by the thread that owns the
     * model, never while a batch is being answered.
     */
    void userStateStored(byte[] previous, byte[] stored);

    /**
     * Drops everything {@link #userStateStored} counted, before the stream hands the model every
     * stored state again: a periodic recount, so that states the stream's TTL expired (which it
     * cannot report one by one) stop counting. Same thread rules as {@link #userStateStored}.
     */
    void forgetUserStates();

    /**
     * What {@link #userStateStored} with the same states changes in this model's shared state, as
     * counts by key (BM3: the users whose stored edges reach an item, by item id), without
     * changing it; nothing for states of another version. With several scoring subtasks the stream
     * sends these per key group to the other subtasks, which do not hold this user's state, so that
     * each can {@link #addCountsOfOtherUsers add} them.
     */
    Map<String, Integer> countsChanged(byte[] previous, byte[] stored);

    /**
     * Adds what the users served by other subtasks changed in this model's shared state, by key as
     * {@link #countsChanged} gives them (negative: counts they no longer hold). Unlike what
     * {@link #userStateStored} counted, {@link #forgetUserStates} keeps these. Same thread rules as
     * {@link #userStateStored}.
     */
    void addCountsOfOtherUsers(Map<String, Integer> delta);
}
