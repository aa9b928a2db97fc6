package dev.streamrec.jobs.scoring;

import dev.streamrec.schema.event.Prediction;

/**
 * One model's prediction for one event, with what the prequential evaluator needs besides it: the
 * item the user chose with that event and whether the event was in order. POJO.
 */
public class ScoredEvent {
    public Prediction prediction;
    public String chosenItemId;
    public boolean inOrder;

    public ScoredEvent() {}

    public ScoredEvent(Prediction prediction, String chosenItemId, boolean inOrder) {
        this.prediction = prediction;
        this.chosenItemId = chosenItemId;
        this.inOrder = inOrder;
    }
}
