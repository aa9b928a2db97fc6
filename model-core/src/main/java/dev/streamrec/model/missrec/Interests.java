package dev.streamrec.model.missrec;

import ai.djl.ndarray.NDArray;

/**
 * A batch of deduplicated interest sequences: the encoder's input. Padding slots have mask 0.
 *
 * @param centroids interest vectors (B, K, D), zeros in padding slots
 * @param mask 1 for a real interest, 0 for padding (B, K)
 * @param assignment for each input token, the slot of its interest (B, N); null for k-means
 */
public record Interests(NDArray centroids, NDArray mask, NDArray assignment) {}
