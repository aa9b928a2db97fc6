package dev.streamrec.jobs.local;

import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.data.TimeCut;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A local replay's training cut as its summary states it: the time, and how many of the replayed
 * events fall before it (what models trained here may have seen) out of all of them.
 */
record ReplayCut(long untilMillis, long eventsBefore, long events) {

    static ReplayCut of(TimeCut cut, List<Interaction> replayed) {
        long before = replayed.stream().filter(i -> i.timestampMillis() < cut.untilMillis()).count();
        return new ReplayCut(cut.untilMillis(), before, replayed.size());
    }

    double fractionBefore() {
        return events == 0 ? 0 : (double) eventsBefore / events;
    }

    /** E.g. {@code 2016-03-22T08:26:11Z (1458635171000), 80.0% of the replayed events (80,668 of 100,836) before it}. */
    String describe() {
        return String.format(Locale.ROOT, "%s (%d), %.1f%% of the replayed events (%,d of %,d) before it",
                Instant.ofEpochMilli(untilMillis), untilMillis, 100 * fractionBefore(), eventsBefore, events);
    }
}
