package dev.streamrec.model.serving;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Recommender}'s answer to one request when per-user state is involved: the top-K items,
 * best first, and the user's state to store until the next event (null when the model keeps none).
 */
public record Answer(List<ScoredItem> items, byte[] userState) {

    /** Answers without per-user state: a plain {@link Recommender#recommend} result as answers. */
    public static List<Answer> withoutState(List<List<ScoredItem>> items) {
        List<Answer> answers = new ArrayList<>(items.size());
        for (List<ScoredItem> top : items) {
            answers.add(new Answer(top, null));
        }
        return answers;
    }

    /** The items of each answer, in order (a stateful model's {@link Recommender#recommend} over its answers). */
    public static List<List<ScoredItem>> itemsOf(List<Answer> answers) {
        List<List<ScoredItem>> items = new ArrayList<>(answers.size());
        for (Answer a : answers) {
            items.add(a.items());
        }
        return items;
    }
}
