package dev.streamrec.jobs.soak;

import java.time.Duration;

/**
 * What a soak run does, with every default in one place: how long it streams and how fast, how often
 * it samples the cluster and over how many samples it smooths a series before judging it, the job's
 * state TTL and the baselines' decay half-life, how often the served model is fine-tuned and hot-swapped, and the shape of the generated
 * stream ({@link SoakStream}): a growing user population (a new user every {@code newUserEvery} events,
 * the newest {@code activeUsers} of them active), an item catalogue of {@code catalogueSize} items of
 * which one retires and a new one appears every {@code itemChurnEvery} events, a deletion request for
 * a user who has left every {@code deletionEvery} events, and the seed that makes it repeatable.
 *
 * <p>The defaults are the documented one-hour run: 100 events/s (what the job sustains on a 2-core
 * machine that also runs the cluster, the fine-tuning and the generator), 30-s samples smoothed over
 * 3 min, a 10-min TTL (users leave the active set after about 200 s, so the live users level off at
 * about the arrivals of 13 min), a 1-min half-life of the popularity and co-occurrence counts (an item
 * lives about 17 min in the catalogue; the counts of retired items decay below a thousandth of an
 * event, and are forgotten, within about 20 min), a fine-tuning round every 10 min.
 */
public record SoakSettings(
        Duration duration,
        double rate,
        Duration sampleInterval,
        Duration smoothing,
        Duration stateTtl,
        Duration baselineHalfLife,
        Duration fineTuneEvery,
        int initialUsers,
        int newUserEvery,
        int activeUsers,
        int catalogueSize,
        int itemChurnEvery,
        int deletionEvery,
        int trainingEvents,
        long seed) {

    public SoakSettings {
        if (rate <= 0 || duration.isNegative() || duration.isZero() || sampleInterval.isZero()
                || sampleInterval.isNegative()) {
            throw new IllegalArgumentException("a soak needs a positive duration, rate and sample interval");
        }
        if (newUserEvery < 1 || activeUsers < 1 || initialUsers < 1 || catalogueSize < 2 || itemChurnEvery < 1
                || deletionEvery < 1 || trainingEvents < 100) {
            throw new IllegalArgumentException("user growth, item churn and deletion intervals must be positive, the "
                    + "catalogue at least 2 items and the training prefix at least 100 events");
        }
    }

    /** The one-hour soak of the docs. */
    public static SoakSettings defaults() {
        return new SoakSettings(Duration.ofHours(1), 100, Duration.ofSeconds(30), Duration.ofMinutes(3),
                Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofMinutes(10), 200, 20, 1000, 500, 200, 1000, 5000, 42);
    }

    /** These settings streaming for {@code d}. */
    public SoakSettings withDuration(Duration d) {
        return new SoakSettings(d, rate, sampleInterval, smoothing, stateTtl, baselineHalfLife, fineTuneEvery, initialUsers,
                newUserEvery, activeUsers, catalogueSize, itemChurnEvery, deletionEvery, trainingEvents, seed);
    }

    /** These settings with another rate, sampling, smoothing, TTL, baseline half-life and fine-tuning interval. */
    public SoakSettings withPacing(double eventsPerSecond, Duration sample, Duration smooth, Duration ttl,
            Duration halfLife, Duration fineTune) {
        return new SoakSettings(duration, eventsPerSecond, sample, smooth, ttl, halfLife, fineTune, initialUsers, newUserEvery,
                activeUsers, catalogueSize, itemChurnEvery, deletionEvery, trainingEvents, seed);
    }

    /** These settings with another deletion interval and seed. */
    public SoakSettings withDeletionsAndSeed(int everyEvents, long newSeed) {
        return new SoakSettings(duration, rate, sampleInterval, smoothing, stateTtl, baselineHalfLife, fineTuneEvery, initialUsers,
                newUserEvery, activeUsers, catalogueSize, itemChurnEvery, everyEvents, trainingEvents, newSeed);
    }

    /** How many samples the rolling smoothing of a series spans: at least 1. */
    public int smoothingSamples() {
        return (int) Math.max(1, smoothing.toMillis() / sampleInterval.toMillis());
    }
}
