package dev.streamrec.model.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The PyTorch reference gets the DJL run's own shapes and settings, and its result line is read back. */
class PyTorchReferenceTest {

    private static JsonNode config(String sampler, String loss) throws Exception {
        return new ObjectMapper().readTree("""
                {"hyperParameters": {"numItems": 9724, "dim": 50, "maxLen": 200, "layers": 2, "heads": 2, "dropout": 0.5},
                 "training": {"settings": {"batchSize": 256, "learningRate": 0.002, "weightDecay": 0.01, "clipNorm": 5.0,
                   "loss": "%s", "negatives": 100, "negativeSampler": "%s"}}}""".formatted(loss, sampler));
    }

    @Test
    void passesTheRunsShapesLossAndOptimiserSettings() throws Exception {
        List<String> args = PyTorchReference.arguments("sasrec", config("uniform", "sampled"), 200, 2).orElseThrow();
        assertEquals(List.of("--model", "sasrec", "--steps", "200", "--threads", "2", "--items", "9724", "--dim", "50",
                "--max-len", "200", "--layers", "2", "--heads", "2", "--dropout", "0.5", "--batch-size", "256",
                "--lr", "0.002", "--weight-decay", "0.01", "--clip-norm", "5.0", "--loss", "sampled",
                "--negatives", "100"), args);
        List<String> full = PyTorchReference.arguments("gru4rec", config("uniform", "full"), 10, 1).orElseThrow();
        assertTrue(!full.contains("--negatives"), "the full softmax has no negatives");
    }

    @Test
    void declinesASamplerTheScriptDoesNotRestate() throws Exception {
        assertTrue(PyTorchReference.arguments("sasrec", config("popularity", "sampled"), 10, 2).isEmpty());
    }

    @Test
    void readsTheResultLine() {
        PyTorchReference.Measurement m = PyTorchReference.parse("pytorch 2.13.0+cpu sasrec loss=sampled negatives=512 "
                + "threads=2 items=9742 d=64 L=50 layers=2 heads=1 batch=128: 100 steps in 10.52 s, 9.51 steps/s, "
                + "1217 sequences/s (last loss 9.181)").orElseThrow();
        assertEquals(9.51, m.stepsPerSecond(), 1e-9);
        assertEquals(1217, m.examplesPerSecond(), 1e-9);
        assertTrue(PyTorchReference.parse("Traceback: no torch").isEmpty());
    }
}
