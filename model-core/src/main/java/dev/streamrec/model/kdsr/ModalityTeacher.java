package dev.streamrec.model.kdsr;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The frozen teacher of one modality as constant arrays: the AE codes m~ [N+1, d] (for the holistic
 * relation), their chunk-normalised copy [N+1, d] (D chunks of d/D) and the codebook centroids [K, D] (for the
 * dissected relation). Built once, read by every batch; never trained, never exported.
 */
public final class ModalityTeacher implements AutoCloseable {

    private final String name;
    private final float[][] codes;
    private final NDArray features;
    private final NDArray chunks;
    private final NDArray centroids;
    private final int chunkCount;

    public ModalityTeacher(String name, float[][] codes, CorrelationCodebook codebook, int chunkCount, NDManager manager) {
        this.name = name;
        this.codes = codes;
        int n = codes.length;
        int d = codes[0].length;
        float[][] normalised = new float[n][];
        for (int i = 0; i < n; i++) {
            normalised[i] = CorrelationCodebook.chunkNormalised(codes[i], chunkCount);
        }
        this.features = manager.create(codes);
        this.chunks = manager.create(normalised);
        this.chunkCount = chunkCount;
        this.centroids = manager.create(codebook.centroids());
    }

    public String name() {
        return name;
    }

    /** The AE codes [N+1][d] (also the initial value of the student's modality table). */
    public float[][] codes() {
        return codes;
    }

    public NDArray features() {
        return features;
    }

    /** Chunk-normalised codes [N+1, d]; view a lookup (B, T, d) as (B, T, D, d/D). */
    public NDArray chunks() {
        return chunks;
    }

    public int chunkCount() {
        return chunkCount;
    }

    public NDArray centroids() {
        return centroids;
    }

    @Override
    public void close() {
        features.close();
        chunks.close();
        centroids.close();
    }
}
