package dev.streamrec.model.missrec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamrec.model.cli.ModelCli;
import dev.streamrec.model.data.ModalityFeatures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code train} and {@code evaluate --model missrec} under the evaluation options of issue 22. */
class MissRecEvaluationOptionsTest {

    private static final int USERS = 30;

    @Test
    void shouldTrainAndEvaluateOnTheSameValidationTargetsAndSampledNegatives(@TempDir Path tmp) throws Exception {
        SyntheticData data = new SyntheticData(3, USERS, 12);
        StringBuilder csv = new StringBuilder("userId,itemId,timestamp\n");
        for (int u = 0; u < USERS; u++) {
            int[] s = data.sequences.get(u);
            for (int t = 0; t < s.length; t++) {
                csv.append("u").append(u).append(",m").append(s[t]).append(',').append(t * 1000L + u).append('\n');
            }
        }
        Files.writeString(tmp.resolve("d.csv"), csv);
        String[] names = {"text", "image"};
        List<String> files = new ArrayList<>();
        for (int m = 0; m < names.length; m++) {
            Map<String, float[]> vectors = new HashMap<>();
            for (int i = 1; i <= SyntheticData.ITEMS; i++) {
                vectors.put("m" + i, data.features.get(m)[i]);
            }
            Path f = tmp.resolve(names[m] + ".tsv.gz");
            new ModalityFeatures(names[m], data.features.get(m)[1].length, vectors).write(f);
            files.add(f.toString());
        }
        String artifact = tmp.resolve("a").toString();
        JsonNode trained = run("train", "--model", "missrec", "--data", tmp.resolve("d.csv").toString(), "--features",
                String.join(",", files), "--epochs", "1", "--hidden", "16", "--heads", "2", "--ffn", "32", "--max-len", "10",
                "--batch-size", "32", "--quiet", "--json", "--output", artifact,
                "--validation-targets", "3", "--protocol", "sampled", "--eval-negatives", "5");
        assertEquals(3, trained.path("validationTargets").asInt());
        assertEquals("sampled", trained.path("protocol").asText());
        assertEquals(USERS, trained.path("validVsPopularity").path("NDCG@10").path("n").asInt(), "paired over users");
        assertEquals(USERS, trained.path("testVsPopularity").path("MRR").path("n").asInt());
        assertTrue(trained.path("validCi95").path("MRR").asDouble() > 0);
        assertEquals(0.0, trained.path("validCi95").path("HR@10").asDouble(), 0.0, "every case a hit: no spread");
        // 5 negatives + the target: every rank is at most 6, so HR@10 is 1
        assertEquals(1.0, trained.path("test").path("HR@10").asDouble(), 0.0);
        JsonNode evaluated = run("evaluate", "--artifact", artifact, "--data", tmp.resolve("d.csv").toString(), "--json",
                "--protocol", "sampled", "--eval-negatives", "5");
        assertEquals(3, evaluated.path("validationTargets").asInt(), "the artifact's recorded targets");
        assertEquals(trained.path("valid").path("MRR").asDouble(), evaluated.path("valid").path("MRR").asDouble(), 1e-6);
        assertEquals(trained.path("test").path("NDCG@10").asDouble(), evaluated.path("test").path("NDCG@10").asDouble(), 1e-6);
    }

    private static JsonNode run(String command, String... args) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, ModelCli.run(command, List.of(args)));
        } finally {
            System.setOut(original);
        }
        String out = bytes.toString(StandardCharsets.UTF_8).trim();
        return new ObjectMapper().readTree(out.substring(out.lastIndexOf("\n{") + 1));
    }
}
