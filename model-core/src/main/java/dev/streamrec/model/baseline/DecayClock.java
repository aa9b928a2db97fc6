package dev.streamrec.model.baseline;

/**
 * Exponential time decay without touching every counter: a weight added at event time t is stored
 * as 2^((t - origin) / halfLife). All counters then decay at the same rate, so their order at any
 * later time is the order of the stored values; the origin moves forward (and callers rescale)
 * before the stored values overflow. Counts that decayed below {@link #FORGET_BELOW} of one event
 * are forgotten: callers sweep them out once per half-life of event time ({@link #sweepDue}), so
 * items that stop appearing (a churning catalogue) leave the model instead of piling up.
 */
final class DecayClock {

    /** Rescale once the exponent passes this (2^60 is far from double overflow). */
    private static final double MAX_EXPONENT = 60.0;

    /** A count worth less than this share of one event observed now is forgotten (2^-10: ten half-lives for one event). */
    static final double FORGET_BELOW = 0x1p-10;

    private final double halfLifeMillis;
    private long origin = Long.MIN_VALUE;
    private long lastSweep = Long.MIN_VALUE;

    DecayClock(long halfLifeMillis) {
        if (halfLifeMillis <= 0) {
            throw new IllegalArgumentException("half-life must be positive");
        }
        this.halfLifeMillis = halfLifeMillis;
    }

    /** The stored weight of one unit observed at {@code t}; NaN-free for any t after the origin. */
    double weight(long t) {
        if (origin == Long.MIN_VALUE) {
            origin = t;
        }
        return Math.pow(2.0, (t - origin) / halfLifeMillis);
    }

    /**
     * If {@code t} is far enough past the origin that weights grow too large, moves the origin to t
     * and returns the factor every stored value must be multiplied by; otherwise returns 1.
     */
    double rescaleFactor(long t) {
        if (origin == Long.MIN_VALUE || (t - origin) / halfLifeMillis < MAX_EXPONENT) {
            return 1.0;
        }
        double factor = Math.pow(2.0, -(t - origin) / halfLifeMillis);
        origin = t;
        return factor;
    }

    /**
     * Prepares to take in values stored against {@code otherOrigin} (another instance's snapshot):
     * moves this origin to the later of the two, so that neither side's values grow, and returns
     * the factors {this clock's stored values, the other's} that bring both to it.
     */
    double[] align(long otherOrigin) {
        if (otherOrigin == Long.MIN_VALUE) {
            return new double[] {1.0, 1.0};
        }
        if (origin == Long.MIN_VALUE) {
            origin = otherOrigin;
            return new double[] {1.0, 1.0};
        }
        long later = Math.max(origin, otherOrigin);
        double[] factors = {Math.pow(2.0, -(later - origin) / halfLifeMillis),
                Math.pow(2.0, -(later - otherOrigin) / halfLifeMillis)};
        origin = later;
        return factors;
    }

    /** Whether a sweep of forgotten counts is due at {@code t}: once per half-life of event time. */
    boolean sweepDue(long t) {
        if (lastSweep == Long.MIN_VALUE) {
            lastSweep = t;
        }
        if (t - lastSweep < halfLifeMillis) {
            return false;
        }
        lastSweep = t;
        return true;
    }

    /** The stored value below which a count is worth less than {@link #FORGET_BELOW} of one event observed at {@code t}. */
    double forgetFloor(long t) {
        return weight(t) * FORGET_BELOW;
    }

    long origin() {
        return origin;
    }
}
