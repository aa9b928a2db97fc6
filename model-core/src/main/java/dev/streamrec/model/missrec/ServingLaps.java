package dev.streamrec.model.missrec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wall-clock time per stage of MISSRec's serving path, summed over the batches it saw:
 * {@link #lap(String)} charges the time since the previous lap to the named stage. The serving path
 * calls it at each stage boundary; {@link #NONE} (the default) does nothing, so only
 * {@link MissRecServingProfile} pays for the clock. libtorch's CPU operators run eagerly, so a stage's
 * time is the time of its own operators.
 */
class ServingLaps {

    /** No timing (the serving path's default). */
    static final ServingLaps NONE = new ServingLaps() {
        @Override
        void start() {}

        @Override
        void lap(String stage) {}
    };

    private final Map<String, Long> nanos = new LinkedHashMap<>();
    private long last;

    /** Starts a batch: the next lap counts from now. */
    void start() {
        last = System.nanoTime();
    }

    /** Charges the time since the previous lap (or {@link #start}) to {@code stage}. */
    void lap(String stage) {
        long now = System.nanoTime();
        nanos.merge(stage, now - last, Long::sum);
        last = now;
    }

    /** Nanoseconds per stage, in the order the stages first ran. */
    Map<String, Long> nanos() {
        return nanos;
    }
}
