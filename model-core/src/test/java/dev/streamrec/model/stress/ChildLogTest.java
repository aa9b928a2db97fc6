package dev.streamrec.model.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streamrec.model.train.TrainingEngine;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Reading a stress child's output and a fatal-error log. */
public class ChildLogTest {

    @Test
    void shouldCountSkippedStepsOfEveryTrainerAndReadTheResult() {
        ChildLog log = ChildLog.parse(List.of(
                "missrec pretrain step 40 (epoch 1): loss 9.1000 lr 1.00e-03 valid NDCG@10 0.0100",
                TrainingEngine.skippedLine("missrec pretrain", 4),
                "missrec step 90 (epoch 3): loss 8.2000 lr 1.00e-03 valid NDCG@10 0.0200",
                TrainingEngine.skippedLine("missrec", 12),
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
