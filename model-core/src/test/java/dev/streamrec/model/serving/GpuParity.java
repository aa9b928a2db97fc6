package dev.streamrec.model.serving;

import ai.djl.engine.Engine;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The CUDA path of a model family, for its GPU-only test: the same requests served on
 * {@code cuda:0} and on the CPU give the same top-K (scores within a tolerance; two items may swap
 * only where their scores are that close). Skips the calling test without a GPU.
 */
public final class GpuParity {

    /** Loads a family's recommender on a device, by its config name. */
    @FunctionalInterface
    public interface Loader {
        Recommender load(String device) throws Exception;
    }

    private GpuParity() {}

    public static void assumeGpu() {
        assumeTrue(Engine.getInstance().getGpuCount() > 0, "no GPU on this machine");
    }

    public static void assertServesTheSameOnCuda(Loader loader, List<RecommendRequest> batch, float tolerance)
            throws Exception {
        assumeGpu();
        try (Recommender cpu = loader.load("cpu"); Recommender gpu = loader.load("cuda:0")) {
            List<List<ScoredItem>> expected = cpu.recommend(batch);
            List<List<ScoredItem>> actual = gpu.recommend(batch);
            assertEquals(expected.size(), actual.size());
            for (int r = 0; r < expected.size(); r++) {
                List<ScoredItem> e = expected.get(r);
                List<ScoredItem> a = actual.get(r);
                assertEquals(e.size(), a.size(), "request " + r);
                for (int k = 0; k < e.size(); k++) {
                    assertEquals(e.get(k).score(), a.get(k).score(), tolerance, "request " + r + ", rank " + (k + 1));
                    boolean nearTie = (k > 0 && Math.abs(e.get(k).score() - e.get(k - 1).score()) <= tolerance)
                            || (k + 1 < e.size() && Math.abs(e.get(k).score() - e.get(k + 1).score()) <= tolerance);
                    if (!nearTie) {
                        assertEquals(e.get(k).itemId(), a.get(k).itemId(), "request " + r + ", rank " + (k + 1));
                    }
                }
            }
        }
    }
}
