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

    /**
     * Ids that are both decimal numbers compare numerically (MovieLens: user 22 before user 150),
     * any other pair as strings.
     */
    public static final Comparator<String> ID_ORDER = Interaction::compareIds;

    /** The replay order: time, then user, then item (MovieLens ties often within one second). */
    public static final Comparator<Interaction> REPLAY_ORDER =
            Comparator.comparingLong(Interaction::timestampMillis)
                    .thenComparing(Interaction::userId, ID_ORDER)
                    .thenComparing(Interaction::itemId, ID_ORDER);

    public Interaction {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(itemId, "itemId");
    }

    private static int compareIds(String a, String b) {
        if (isDigits(a) && isDigits(b)) {
            String x = stripLeadingZeros(a);
            String y = stripLeadingZeros(b);
            int c = Integer.compare(x.length(), y.length());
            if (c != 0) {
                return c;
            }
            c = x.compareTo(y);
            return c != 0 ? c : a.compareTo(b);
        }
        return a.compareTo(b);
    }

    private static boolean isDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static String stripLeadingZeros(String s) {
        int i = 0;
        while (i < s.length() - 1 && s.charAt(i) == '0') {
            i++;
        }
        return s.substring(i);
    }

    @Override
    public int compareTo(Interaction other) {
        return REPLAY_ORDER.compare(this, other);
    }
}
