package dev.streamrec.model.baseline;

/**
 * What the online baselines are built with.
 *
 * @param halfLifeMillis the decay half-life of popularity and co-occurrence counts
 * @param cooccurrenceWindow how many of a user's last items co-occurrence pairs with the next one
 * @param cooccurrenceNeighbours how many neighbours co-occurrence keeps per item
 */
public record BaselineSettings(long halfLifeMillis, int cooccurrenceWindow, int cooccurrenceNeighbours) {}
