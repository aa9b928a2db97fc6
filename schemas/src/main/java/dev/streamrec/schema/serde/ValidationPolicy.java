package dev.streamrec.schema.serde;

import java.time.Clock;
import java.time.Duration;

/**
 * The limits strict decoding enforces beyond the JSON Schema's shape: payload size, id length and
 * the plausible range of timestamps (no negatives, nothing far in the future).
 */
public record ValidationPolicy(
        int maxPayloadBytes, int maxIdLength, long minTimestampMillis, Duration maxFutureSkew, Clock clock) implements java.io.Serializable {

    /** 64 KiB payloads, 256-char ids, timestamps from 1970-01-01 up to one day ahead of now. */
    public static ValidationPolicy defaults() {
        return new ValidationPolicy(64 * 1024, 256, 0L, Duration.ofDays(1), Clock.systemUTC());
    }

    public ValidationPolicy withMaxPayloadBytes(int bytes) {
        return new ValidationPolicy(bytes, maxIdLength, minTimestampMillis, maxFutureSkew, clock);
    }

    public ValidationPolicy withMaxFutureSkew(Duration skew) {
        return new ValidationPolicy(maxPayloadBytes, maxIdLength, minTimestampMillis, skew, clock);
    }

    public ValidationPolicy withClock(Clock c) {
        return new ValidationPolicy(maxPayloadBytes, maxIdLength, minTimestampMillis, maxFutureSkew, c);
    }

    /** The latest timestamp accepted right now. */
    public long maxTimestampMillis() {
        return clock.millis() + maxFutureSkew.toMillis();
    }
}
