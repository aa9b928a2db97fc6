package dev.streamrec.jobs.soak;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The soak's generated stream, the same for the same settings and seed: interactions of a growing
 * user population with a churning item catalogue, and now and then a deletion request.
 *
 * <ul>
 *   <li>Users: {@code u0, u1, ...}; a new one arrives every {@code newUserEvery} events, and only the
 *       newest {@code activeUsers} act (uniformly), so each user is active for a while and then leaves
 *       for good: the population grows without end, the active set does not.</li>
 *   <li>Items: {@code i0, i1, ...}; the catalogue is the {@code catalogueSize} newest ones. Every
 *       {@code itemChurnEvery} events the oldest retires and a new one appears. An event is the
 *       successor (1 to 3 items on) of the user's previous item with probability 0.6 when that is
 *       still in the catalogue (a sequential pattern that a sequence model can learn), else drawn by
 *       popularity, Zipf(1) over the catalogue with the newest item the most popular.</li>
 *   <li>Deletions: every {@code deletionEvery} events, a request for a user who left the active set
 *       recently (within the last {@code activeUsers} departures), never twice for the same user; the
 *       user sends nothing afterwards.</li>
 * </ul>
 *
 * Not thread-safe: one sender draws from it.
 */
public final class SoakStream {

    /** What the stream produces next. */
    public sealed interface Next permits Event, Deletion {}

    /** An interaction: event id, user, item. */
    public record Event(String eventId, String userId, String itemId) implements Next {}

    /** A deletion request: its request id and the user to delete. */
    public record Deletion(String requestId, String userId) implements Next {}

    private static final double SEQUENTIAL = 0.6;

    private final SoakSettings settings;
    private final SplittableRandom random;
    private final double[] zipfCumulative;
    private final Map<Integer, Integer> lastItem = new HashMap<>();
    private final Set<Integer> deleted = new HashSet<>();
    private int users;
    private int firstItem;
    private long events;
    private long deletions;
    private boolean deletionDue;

    public SoakStream(SoakSettings settings) {
        this.settings = settings;
        this.random = new SplittableRandom(settings.seed());
        this.users = settings.initialUsers();
        this.zipfCumulative = new double[settings.catalogueSize()];
        double sum = 0;
        for (int r = 0; r < zipfCumulative.length; r++) {
            sum += 1.0 / (r + 1);
            zipfCumulative[r] = sum;
        }
    }

    /** The next event or deletion request. */
    public Next next() {
        if (deletionDue) {
            deletionDue = false;
            Integer user = retiredUser();
            if (user != null) {
                deleted.add(user);
                lastItem.remove(user);
                deletions++;
                return new Deletion("soak-del-" + deletions, "u" + user);
            }
        }
        events++;
        if (events % settings.newUserEvery() == 0) {
            users++;
            lastItem.remove(users - 1 - settings.activeUsers()); // that user just left
        }
        if (events % settings.itemChurnEvery() == 0) {
            firstItem++;
        }
        if (events % settings.deletionEvery() == 0) {
            deletionDue = true;
        }
        int user = activeUser();
        Integer previous = lastItem.get(user);
        int item;
        if (previous != null && previous >= firstItem && random.nextDouble() < SEQUENTIAL) {
            item = Math.min(newestItem(), previous + 1 + random.nextInt(3));
        } else {
            item = newestItem() - popularityRank();
        }
        lastItem.put(user, item);
        return new Event("soak-" + events, "u" + user, "i" + item);
    }

    /** Users that have arrived so far (active, departed and deleted). */
    public int users() {
        return users;
    }

    /** The number of the oldest item still in the catalogue. */
    public int firstItem() {
        return firstItem;
    }

    /** The number of the newest item in the catalogue. */
    public int newestItem() {
        return firstItem + settings.catalogueSize() - 1;
    }

    /** Interactions drawn so far. */
    public long events() {
        return events;
    }

    /** Deletion requests drawn so far. */
    public long deletions() {
        return deletions;
    }

    private int activeUser() {
        // deleted users are departed ones, never among the active
        return users - 1 - random.nextInt(Math.min(users, settings.activeUsers()));
    }

    /** A recently departed user not deleted yet, or null when there is none. */
    private Integer retiredUser() {
        int newestRetired = users - 1 - settings.activeUsers();
        if (newestRetired < 0) {
            return null;
        }
        int window = Math.min(newestRetired + 1, settings.activeUsers());
        for (int tries = 0; tries < 8; tries++) {
            int user = newestRetired - random.nextInt(window);
            if (!deleted.contains(user)) {
                return user;
            }
        }
        return null;
    }

    private int popularityRank() {
        double u = random.nextDouble() * zipfCumulative[zipfCumulative.length - 1];
        int i = Arrays.binarySearch(zipfCumulative, u);
        return i >= 0 ? i : Math.min(-i - 1, zipfCumulative.length - 1);
    }
}
