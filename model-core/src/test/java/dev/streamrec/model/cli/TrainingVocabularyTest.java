package dev.streamrec.model.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.data.ModalityFeatures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every model family trains through the one engine with the one option vocabulary: given the same
 * budget and selection options, each artifact records that it ran exactly the steps and validations
 * those options ask for, with every option as given. A family that ignored an option (or read it
 * under another name) would record its own default and fail here; an option's old name is refused.
 */
class TrainingVocabularyTest {

    private static final int ITEMS = 30;
    private static final int USERS = 40;
    private static final int LENGTH = 12;

    @TempDir
    static Path dir;

    private static Path data;
    private static Path features;

    @BeforeAll
    static void writeData() throws IOException {
        Random r = new Random(3);
        StringBuilder csv = new StringBuilder("userId,itemId,timestamp\n");
        for (int u = 0; u < USERS; u++) {
            int item = r.nextInt(ITEMS);
            for (int t = 0; t < LENGTH; t++) {
                csv.append("u").append(u).append(",i").append(item).append(',').append(1000L * (u * LENGTH + t)).append('\n');
                item = (item + 1 + r.nextInt(3)) % ITEMS;
            }
        }
        data = dir.resolve("interactions.csv");
        Files.writeString(data, csv);
        Map<String, float[]> vectors = new LinkedHashMap<>();
        for (int i = 0; i < ITEMS; i++) {
            float[] v = new float[8];
            v[i % 4] = 1f;
            v[4 + i % 3] = 0.5f;
            v[7] = (float) r.nextGaussian() * 0.1f;
            vectors.put("i" + i, v);
        }
        features = dir.resolve("text.tsv");
        new ModalityFeatures("text", 8, vectors).write(features);
    }

    private static List<String> common(String model, Path out) {
        List<String> a = new ArrayList<>(List.of("--model", model, "--data", data.toString(), "--output", out.toString(),
                "--epochs", "50", "--max-steps", "5", "--eval-every", "2", "--batch-size", "8", "--lr", "0.003",
                "--weight-decay", "0.01", "--warmup-steps", "1", "--lr-schedule", "linear", "--min-lr-factor", "0.2",
                "--clip-norm", "3", "--adam-beta2", "0.98", "--ema-decay", "0.99", "--patience", "9", "--seed", "17", "--quiet"));
        if (!List.of("lightgcn", "mf-bpr").contains(model)) { // the graph baselines read no features
            a.addAll(List.of("--features", features.toString()));
        }
        switch (model) {
            case "sasrec", "gru4rec" -> a.addAll(List.of("--dim", "8", "--max-len", "6", "--layers", "1"));
            case "kdsr-sasrec" -> a.addAll(List.of("--dim", "8", "--max-len", "6", "--layers", "1",
                    "--ae-epochs", "2", "--codebook-d", "2", "--codebook-k", "4"));
            case "missrec" -> a.addAll(List.of("--hidden", "8", "--heads", "2", "--ffn", "16", "--max-len", "6"));
            default -> a.addAll(List.of("--emb", "8"));
        }
        return a;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sasrec", "gru4rec", "kdsr-sasrec", "missrec", "bm3", "lightgcn", "mf-bpr"})
    void everyFamilyRunsTheBudgetAndSelectionItIsGiven(String model) throws Exception {
        Path out = dir.resolve("out-" + model);
        CliArgs args = ModelCli.command("train", common(model, out)).parse(common(model, out));
        assertEquals(0, ModelFamilies.forModel(model).train(model, args));
        JsonNode run = TrainingBenchmark.findRun(ModelArtifact.load(out).config());
        assertNotNull(run, model + " records no engine run");
        assertEquals(5, run.path("steps").asInt(), model + ": --max-steps");
        assertEquals("max-steps", run.path("stopReason").asText(), model);
        List<Integer> validated = new ArrayList<>();
        run.path("validations").forEach(v -> validated.add(v.path("step").asInt()));
        assertEquals(List.of(2, 4, 5), validated, model + ": --eval-every");
        JsonNode o = run.path("options");
        assertEquals(8, o.path("batchSize").asInt(), model);
        assertEquals(0.003, o.path("learningRate").asDouble(), 1e-9, model);
        assertEquals(0.01, o.path("weightDecay").asDouble(), 1e-9, model);
        assertEquals(1, o.path("warmupSteps").asInt(), model);
        assertEquals("linear", o.path("lrSchedule").asText(), model);
        assertEquals(0.2, o.path("minLrFactor").asDouble(), 1e-6, model);
        assertEquals(3, o.path("clipNorm").asDouble(), 1e-9, model);
        assertEquals(0.98, o.path("adamBeta2").asDouble(), 1e-6, model);
        assertEquals(0.99, o.path("emaDecay").asDouble(), 1e-6, model);
        assertEquals(9, o.path("patience").asInt(), model);
        assertEquals(17, o.path("seed").asInt(), model);
        // the rate of the last validation: linear decay from 0.003 to 0.0006 over the 5 planned steps
        JsonNode last = run.path("validations").get(2);
        assertEquals(0.003 * (0.2 + 0.8 * (1 - 3.0 / 4)), last.path("learningRate").asDouble(), 1e-7, model);
        assertEquals(5, run.path("examplesSeen").asLong() / 8, 1, model + ": five batches of 8 (the last may be short)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sasrec", "missrec", "bm3"})
    void everyFamilyRefusesAnOptionsOldName(String model) {
        List<String> a = common(model, dir.resolve("old-" + model));
        a.addAll(List.of("--batch", "8"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelFamilies.forModel(model).train(model, ModelCli.command("train", a).parse(a)));
        assertEquals("--batch is now --batch-size", e.getMessage());
    }
}
