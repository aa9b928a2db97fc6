package dev.streamrec.model.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Reading a stress child's output and a fatal-error log. */
public class ChildLogTest {

    @Test
    void shouldCountSkippedStepsOfEveryTrainerAndReadTheResult() {
        ChildLog log = ChildLog.parse(List.of(
                "epoch 1: 3 steps skipped (non-finite loss or gradient)",
                "epoch 1: loss 9.1, valid NDCG@10 0.01",
                "epoch 2: 12 steps skipped (non-finite loss or gradient)",
                "epoch 3: non-finite loss at batch 5; update skipped, training stopped",
                ChildLog.resultLine(7, 1000)));
        assertEquals(16, log.skippedSteps());
        assertEquals(7, log.nonFiniteWeights());
        assertEquals(1000, log.checkedWeights());
        assertTrue(log.finished());
    }

    @Test
    void shouldSayWhenTheChildNeverCheckedItsWeights() {
        ChildLog log = ChildLog.parse(List.of("epoch 1: loss 9.1", "# A fatal error has been detected"));
        assertEquals(0, log.skippedSteps());
        assertFalse(log.finished());
    }

    @Test
    void shouldNameTheProblematicFrame() {
        List<String> hsErr = List.of(
                "# A fatal error has been detected by the Java Runtime Environment:",
                "#  SIGSEGV (0xb) at pc=0x00007f, pid=123, tid=456",
                "# Problematic frame:",
                "# C  [libtorch_cpu.so+0x4a1b2c]  torch::autograd::Engine::evaluate_function(...)+0x5c",
                "#");
        assertEquals("libtorch_cpu.so+0x4a1b2c torch::autograd::Engine::evaluate_function(...)+0x5c",
                ChildLog.problematicFrame(hsErr));
        assertEquals("", ChildLog.problematicFrame(List.of("no such line")));
    }
}
