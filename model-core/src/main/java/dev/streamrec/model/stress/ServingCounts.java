package dev.streamrec.model.stress;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What happened to one served model during a serving stress run: events and batches it answered,
 * versions swapped in, non-finite scores, answers with another fault ({@link AnswerCheck}), and
 * exceptions (scoring, learning, item features, loads, state counting); and, apart, the empty
 * answers to users the model knows no item of ({@link AnswerCheck.Fault#COLD_EMPTY}, not a fault).
 * Thread-safe: the inference and loader threads count too.
 */
final class ServingCounts {

    final AtomicLong events = new AtomicLong();
    final AtomicLong batches = new AtomicLong();
    final AtomicLong swaps = new AtomicLong();
    final AtomicLong nonFinite = new AtomicLong();
    final AtomicLong badAnswers = new AtomicLong();
    final AtomicLong exceptions = new AtomicLong();
    final AtomicLong coldEmpty = new AtomicLong();

    /** The counts now, as the result line carries them. */
    ServingLines.Result result(String model) {
        return new ServingLines.Result(model, events.get(), batches.get(), swaps.get(), nonFinite.get(),
                badAnswers.get(), exceptions.get(), coldEmpty.get());
    }
}
