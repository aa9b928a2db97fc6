package dev.streamrec.schema;

/**
 * The default names of the project's Kafka topics: the one place they are spelled. Deployments
 * override them through the job's typed config, never by editing code.
 */
public final class Topics {

    /** Interaction events in, key = userId, value = {@code interaction} JSON. */
    public static final String INTERACTIONS = "interactions";
    /** Item side information, key = itemId, value = {@code item-features} JSON. */
    public static final String ITEM_FEATURES = "item-features";
    /** Top-K predictions out, key = userId, value = {@code prediction} JSON. */
    public static final String PREDICTIONS = "predictions";
    /** Rejected input with its reason, value = {@code dead-letter} JSON. */
    public static final String DEAD_LETTERS = "dead-letters";
    /** Prequential evaluation aggregates, key = model, value = {@code eval-metrics} JSON. */
    public static final String EVAL_METRICS = "eval-metrics";
    /** Model version announcements, key = model, value = {@code model-update} JSON. */
    public static final String MODEL_UPDATES = "model-updates";
    /**
     * What each scoring subtask's users add to a model's shared counts, for the other subtasks,
     * key = model/version/keyGroup, value = {@code shared-counts} JSON.
     */
    public static final String SHARED_COUNTS = "shared-counts";
    /** Requests to forget a user, key = userId, value = {@code user-deletion} JSON. */
    public static final String USER_DELETIONS = "user-deletions";
    /**
     * One confirmation per deletion request, once the job dropped the user, key = userId, value =
     * {@code user-deletion-confirmed} JSON.
     */
    public static final String USER_DELETIONS_CONFIRMED = "user-deletions-confirmed";

    private Topics() {}
}
