package dev.streamrec.jobs.finetune;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;

/**
 * When and how the fine-tuning loop runs: a round every {@code everyEvents} events or
 * {@code everyEventTime} of event time (whichever comes first), on the last {@code windowEvents}
 * events with the newest {@code heldOutFraction} held out for validation; a candidate is published
 * when its held-out NDCG@10 is at most {@code tolerance} below the serving model's.
 */
public record FineTuneSettings(
        long everyEvents,
        Duration everyEventTime,
        int windowEvents,
        double heldOutFraction,
        double tolerance,
        Path store,
        String device) implements Serializable {

    public FineTuneSettings {
        if (everyEvents <= 0 || windowEvents <= 0 || heldOutFraction <= 0 || heldOutFraction >= 1) {
            throw new IllegalArgumentException("fine-tuning needs positive every-events and window, 0 < held-out < 1");
        }
    }
}
