package dev.streamrec.schema.event;

/**
 * A request to forget one user (schema {@code user-deletion} v1), e.g. a privacy request: the job
 * drops the user's sequence, per-user model states and pending evaluation, withdraws the counts
 * the user's stored states added, and confirms with a {@link UserDeletionConfirmation} carrying
 * the same {@code requestId}. {@code requestedAt} is when it was requested (epoch ms), as the
 * requester says.
 */
public class UserDeletion {
    public String requestId;
    public String userId;
    public long requestedAt;

    public UserDeletion() {}

    public UserDeletion(String requestId, String userId, long requestedAt) {
        this.requestId = requestId;
        this.userId = userId;
        this.requestedAt = requestedAt;
    }
}
