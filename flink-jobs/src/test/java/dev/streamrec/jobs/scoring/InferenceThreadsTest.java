package dev.streamrec.jobs.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class InferenceThreadsTest {

    @Test
    void shouldUseTheConfiguredCountOrTheCoresPerSlotOnCpuAndOneOnGpu() {
        assertEquals(3, ScoringOperator.inferenceThreads(3, "cpu", 16, 4));
        assertEquals(3, ScoringOperator.inferenceThreads(3, "cuda:0", 16, 4));
        assertEquals(2, ScoringOperator.inferenceThreads(0, "cpu", 2, 1));
        assertEquals(4, ScoringOperator.inferenceThreads(0, "cpu", 16, 4));
        assertEquals(1, ScoringOperator.inferenceThreads(0, "cpu", 2, 4));
        assertEquals(1, ScoringOperator.inferenceThreads(0, "cuda:1", 16, 1));
        assertEquals(1, ScoringOperator.inferenceThreads(0, "gpu0", 16, 1));
        assertEquals(1, ScoringOperator.inferenceThreads(0, "cpu", 1, 0));
    }
}
