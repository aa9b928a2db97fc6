package dev.streamrec.model.data;

import java.util.Comparator;
import java.util.Objects;

/**
 * One user-item interaction with its time, the unit every reader produces and every model consumes.
 *
 * <p>The natural order is the deterministic replay order used everywhere in the project:
 * {@code (timestamp, userId, itemId)}, so that ties inside a bulk-rating second always resolve the
 * same way.
 */
public record Interaction(String userId, String itemId, long timestampMillis, double value)
        implements Comparable<Interaction> {

    /** The replay order: time, then user, then item (MovieLens ties often within one second). */
    public static final Comparator<Interaction> REPLAY_ORDER =
            Comparator.comparingLong(Interaction::timestampMillis)
                    .thenComparing(Interaction::userId)
                    .thenComparing(Interaction::itemId);

    public Interaction {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(itemId, "itemId");
    }

    @Override
    public int compareTo(Interaction other) {
        return REPLAY_ORDER.compare(this, other);
    }
}
