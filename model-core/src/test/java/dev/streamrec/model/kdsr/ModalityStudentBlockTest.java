package dev.streamrec.model.kdsr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.streamrec.model.train.TensorWrites;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

class ModalityStudentBlockTest {

    private static final float TOLERANCE = 1e-5f;

    /** The folded g_φ gives the stacked layers' output and the same gradient for every parameter. */
    @Test
    void foldedCorrelationViewEqualsTheStackedLayersWithTheirGradients() {
        Engine.getInstance().setRandomSeed(7);
        try (NDManager m = NDManager.newBaseManager()) {
            ModalityStudentBlock a = block(m);
            ModalityStudentBlock b = block(m);
            var from = a.getParameters();
            var to = b.getParameters();
            for (int i = 0; i < from.size(); i++) {
                TensorWrites.overwrite(to.get(i).getValue().getArray(), from.get(i).getValue().getArray().toFloatArray());
            }
            NDArray rows = m.randomNormal(new Shape(3, 5, 6));
            ParameterStore ps = new ParameterStore(m, false);
            List<float[]> folded = outputAndGradients(a, (s, r) -> a.correlationView(s, r, true), ps, rows);
            List<float[]> stacked = outputAndGradients(b, (s, r) -> b.correlationViewStacked(s, r, true), ps, rows);
            for (int i = 0; i < folded.size(); i++) {
                assertArrayEquals(stacked.get(i), folded.get(i), TOLERANCE, "output 0, then gradient " + i);
            }
        }
    }

    private static ModalityStudentBlock block(NDManager m) {
        ModalityStudentBlock block = new ModalityStudentBlock(10, 6, 4);
        block.initialize(m, DataType.FLOAT32, new Shape(3, 5));
        for (Pair<String, Parameter> p : block.getParameters()) {
            p.getValue().getArray().setRequiresGradient(true);
        }
        return block;
    }

    private static List<float[]> outputAndGradients(ModalityStudentBlock block, BiFunction<ParameterStore, NDArray, NDArray> view,
            ParameterStore ps, NDArray rows) {
        List<float[]> out = new ArrayList<>();
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray y = view.apply(ps, rows);
            out.add(y.toFloatArray());
            gc.backward(y.square().sum()); // a loss whose gradient differs per element
        }
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getKey().startsWith("correlationProjection")) {
                out.add(p.getValue().getArray().getGradient().toFloatArray());
            }
        }
        return out;
    }
}
