package dev.streamrec.schema.event;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The job's confirmation that it dropped a user (schema {@code user-deletion-confirmed} v1), one
 * per {@link UserDeletion} it read, written once every operator holding the user's state dropped
 * it: the request's id, user and time, and what was dropped: the events of the user's sequence,
 * the models whose per-user state was dropped, the counts withdrawn from models' shared state per
 * model (BM3: the user's edges withdrawn from the item degrees), and the predictions that were
 * waiting for the user's next event to be evaluated. {@code confirmedAt} is when the job wrote it
 * (epoch ms). Zeros and empty lists mean the job held nothing of the user.
 */
public class UserDeletionConfirmation {
    public String requestId;
    public String userId;
    public long requestedAt;
    public int sequenceEvents;
    public List<String> modelStates = new ArrayList<>();
    public Map<String, Integer> countsWithdrawn = new TreeMap<>();
    public int pendingEvaluations;
    public long confirmedAt;

    public UserDeletionConfirmation() {}

    /** Nothing dropped yet: what the first operator starts from. */
    public static UserDeletionConfirmation of(UserDeletion request) {
        UserDeletionConfirmation c = new UserDeletionConfirmation();
        c.requestId = request.requestId;
        c.userId = request.userId;
        c.requestedAt = request.requestedAt;
        return c;
    }

    /** A copy to fill in further (the lists and counts copied too). */
    public UserDeletionConfirmation copy() {
        UserDeletionConfirmation c = new UserDeletionConfirmation();
        c.requestId = requestId;
        c.userId = userId;
        c.requestedAt = requestedAt;
        c.sequenceEvents = sequenceEvents;
        c.modelStates = new ArrayList<>(modelStates);
        c.countsWithdrawn = new TreeMap<>(countsWithdrawn);
        c.pendingEvaluations = pendingEvaluations;
        c.confirmedAt = confirmedAt;
        return c;
    }
}
