package dev.streamrec.model.kdsr;

import dev.streamrec.model.backbone.BatchStepper;
import dev.streamrec.model.serving.BlockedTopK;

import java.util.List;

/**
 * What a sequence backbone provides to be served incrementally by
 * {@link IncrementalSequenceRecommender}: how a stored per-user state (bytes the stream keeps)
 * becomes a row that folds in the request's event, how a user without a usable state starts, and
 * one batched step over the rows that ranks candidates and returns each row's new state as bytes.
 * Implemented by {@link Gru4RecIncrementalBackbone} (the GRU's hidden state) and
 * {@link SasRecIncrementalBackbone} (SASRec's key/value cache).
 *
 * @param <R> the backbone's row: a state to go on from and the items still to fold in
 */
public interface IncrementalBackbone<R extends BatchStepper.Pending> {

    /**
     * The row that folds the request's event into the stored state, or null when the state is not
     * usable: none, of another model or shape, unreadable, or not ending where the request's
     * history ends before its event.
     *
     * @param known the request's history as known item indices, oldest first
     * @param newestKnown whether the request's newest item is one the model knows (the last of
     *     {@code known}); when not, the event adds nothing
     */
    R carried(byte[] stored, int[] known, boolean newestKnown);

    /** The row of a user without a usable state: the whole known history, from nothing. */
    R fresh(int[] known);

    /** The row with one more item to fold in after its pending ones (the user's next event in the same batch). */
    R extended(R row, int item);

    /**
     * Runs the rows in one batch: the {@code depth} best candidates after each position of
     * {@code positions[r]} (indices into row r's pending items, or {@link BatchStepper#BEFORE} for
     * the state it starts from) and each row's state after all its items, encoded as the stream
     * stores it.
     *
     * @param known each row's known history after its last item (that of the row's last event)
     */
    Stepped step(List<R> rows, int[][] known, int[][] positions, int depth);

    /**
     * The full score rows (B, N+1; column 0 is padding) after all of each row's items, the scores
     * {@link #step} ranks: with {@link #fresh} rows, the function incremental inference serves for
     * whole histories (offline evaluation).
     */
    float[][] scores(List<R> rows);

    /** One batch's ranked candidates (row by row, position by position, as requested) and each row's new state. */
    record Stepped(BlockedTopK.Candidates candidates, byte[][] states) {}
}
