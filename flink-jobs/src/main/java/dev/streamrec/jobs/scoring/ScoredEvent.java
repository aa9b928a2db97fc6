package dev.streamrec.jobs.scoring;

import dev.streamrec.schema.event.Prediction;
import dev.streamrec.schema.event.UserDeletionConfirmation;

/**
 * One model's prediction for one event, with what the prequential evaluator needs besides it: the
 * item the user chose with that event and whether the event was in order; or, when
 * {@link #deletion} is set, no prediction but a user's deletion on its way to the evaluation (see
 * {@link ScoringRequest#deletion}). POJO.
 */
public class ScoredEvent {
    public Prediction prediction;
    public String chosenItemId;
    public boolean inOrder;
    /** Null for a prediction; set, the deletion of a user, with what was dropped so far. */
    public UserDeletionConfirmation deletion;

    public ScoredEvent() {}

    public ScoredEvent(Prediction prediction, String chosenItemId, boolean inOrder) {
        this.prediction = prediction;
        this.chosenItemId = chosenItemId;
        this.inOrder = inOrder;
    }

    /** A user's deletion, with what was dropped so far. */
    public static ScoredEvent deletion(UserDeletionConfirmation dropped) {
        ScoredEvent s = new ScoredEvent();
        s.deletion = dropped;
        return s;
    }

    /** The user the prediction or deletion is of. */
    public String userId() {
        return deletion != null ? deletion.userId : prediction.userId;
    }

    /** Whether this is a prediction (not a deletion). */
    public boolean hasPrediction() {
        return deletion == null;
    }
}
