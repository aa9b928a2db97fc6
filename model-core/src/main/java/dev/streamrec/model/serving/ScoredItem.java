package dev.streamrec.model.serving;

/** One recommended item and its model score (higher is better). */
public record ScoredItem(String itemId, float score) {}
