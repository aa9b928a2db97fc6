package dev.streamrec.model.kdsr;

import dev.streamrec.model.serving.GpuParity;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamrec.model.artifact.ArtifactException;
import dev.streamrec.model.artifact.ArtifactWriter;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.ModelCli;
import dev.streamrec.model.data.InteractionReader;
import dev.streamrec.model.data.LeaveOneOutSplit;
import dev.streamrec.model.data.ModalityFeatures;
import dev.streamrec.model.data.SequenceDataset;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.Recommender;
import dev.streamrec.model.serving.ScoredItem;
import dev.streamrec.model.train.BatchScorer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trains tiny models end to end through the CLI path on synthetic data with a learnable pattern. */
class KdsrFamilyTest {

    private static final int ITEMS = 30;
    private static final int USERS = 50;
    private static final int LENGTH = 12;
    private static final float SCORE_TOLERANCE = 1e-5f;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static Path data;
    private static Path features;

    @BeforeAll
    static void writeData() throws IOException {
        Random r = new Random(11);
        StringBuilder csv = new StringBuilder("userId,itemId,timestamp\n");
        for (int u = 0; u < USERS; u++) {
            int item = r.nextInt(ITEMS);
            for (int t = 0; t < LENGTH; t++) {
                csv.append("u").append(u).append(",i").append(item).append(',').append(1000L * (u * LENGTH + t)).append('\n');
                item = (item + 1 + (r.nextInt(5) == 0 ? 1 : 0)) % ITEMS; // mostly the next item
            }
        }
        data = dir.resolve("interactions.csv");
        Files.writeString(data, csv);
        Map<String, float[]> vectors = new LinkedHashMap<>();
        for (int i = 0; i < ITEMS; i++) {
            float[] v = new float[16];
            v[i % 4] = 1f; // four groups of items
            v[4 + i % 7] = 0.5f;
            v[12] = (float) r.nextGaussian() * 0.1f;
            vectors.put("i" + i, v);
        }
        features = dir.resolve("text.tsv");
        new ModalityFeatures("text", 16, vectors).write(features);
    }

    private static CliArgs evaluateOptions(ModelArtifact artifact, String... extra) {
        List<String> a = new ArrayList<>(List.of("--artifact", artifact.dir().toString()));
        a.addAll(List.of(extra));
        return ModelCli.command("evaluate", a).parse(a);
    }

    private static CliArgs args(String model, Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("--model", model, "--data", data.toString(), "--output", out.toString(),
                "--dim", "16", "--max-len", "8", "--layers", "1", "--heads", "2", "--dropout", "0.1",
                "--batch-size", "16", "--lr", "0.01", "--seed", "5", "--patience", "50", "--features", features.toString()));
        if (model.startsWith("kdsr-")) { // the distillation's options
            a.addAll(List.of("--ae-epochs", "3", "--codebook-d", "4", "--codebook-k", "6"));
        }
        a.addAll(List.of(extra));
        return ModelCli.command("train", a).parse(a);
    }

    private static JsonNode history(Path artifact) throws IOException {
        return ModelArtifact.load(artifact).config().path("training").path("run").path("validations");
    }

    @Test
    void shouldTrainWithFallingLossAndServeIdenticalScoresAfterReload() throws Exception {
        KdsrFamily family = new KdsrFamily();
        for (String model : List.of("sasrec", "kdsr-sasrec", "gru4rec")) {
            Path out = dir.resolve(model);
            assertEquals(0, family.train(model, args(model, out, "--epochs", "4")));
            JsonNode h = history(out);
            assertEquals(4, h.size());
            assertTrue(h.get(3).path("metrics").path("loss.rec").asDouble() < h.get(0).path("metrics").path("loss.rec").asDouble(),
                    model + ": the recommendation loss must fall: " + h);
            ModelArtifact artifact = ModelArtifact.load(out);
            assertFalse(Files.readString(out.resolve(ModelArtifact.CONFIG)).contains("modalityTable"));
            try (Recommender rec = family.loadRecommender(artifact, "cpu")) {
                List<RecommendRequest> batch = List.of(
                        new RecommendRequest("u1", List.of("i1", "i2", "i3"), 5, true),
                        new RecommendRequest("u2", List.of("i7", "unknown-item"), 3, false));
                List<List<ScoredItem>> top = rec.recommend(batch);
                assertEquals(5, top.get(0).size());
                assertEquals(3, top.get(1).size());
                top.get(0).forEach(s -> assertFalse(List.of("i1", "i2", "i3").contains(s.itemId())));
                assertTrue(top.get(0).get(0).score() >= top.get(0).get(4).score());
                assertRankedLikeFullScores(artifact, batch, top);
            }
        }
    }

    /** The device-side candidate ranking serves exactly the top-K of the full score rows. */
    private static void assertRankedLikeFullScores(ModelArtifact artifact, List<RecommendRequest> batch,
            List<List<ScoredItem>> served) throws Exception {
        try (KdsrArtifacts.LoadedSequenceModel m = KdsrArtifacts.loadSequenceModel(artifact, ai.djl.Device.cpu())) {
            for (int r = 0; r < batch.size(); r++) {
                RecommendRequest req = batch.get(r);
                int[] h = req.history().stream().mapToInt(artifact.items()::indexOf).filter(i -> i > 0).toArray();
                float[] row = m.scorer().score(new int[][] {h})[0];
                boolean[] excluded = new boolean[row.length];
                if (req.excludeHistory()) {
                    for (int i : h) {
                        excluded[i] = true;
                    }
                }
                int[] expected = dev.streamrec.model.metrics.TopK.select(row, req.k(), excluded, 1);
                assertEquals(expected.length, served.get(r).size());
                for (int k = 0; k < expected.length; k++) {
                    assertEquals(artifact.items().idAt(expected[k]), served.get(r).get(k).itemId(), "rank " + k);
                    assertEquals(row[expected[k]], served.get(r).get(k).score(), SCORE_TOLERANCE, "rank " + k);
                }
            }
        }
    }

    @Test
    void shouldScoreIdenticallyAfterArtifactRoundTripAndBeDeterministic() throws Exception {
        KdsrFamily family = new KdsrFamily();
        Path a = dir.resolve("det-a");
        Path b = dir.resolve("det-b");
        family.train("kdsr-sasrec", args("kdsr-sasrec", a, "--epochs", "2"));
        family.train("kdsr-sasrec", args("kdsr-sasrec", b, "--epochs", "2"));
        assertArrayEquals(Files.readAllBytes(a.resolve(KdsrArtifacts.WEIGHTS)), Files.readAllBytes(b.resolve(KdsrArtifacts.WEIGHTS)),
                "same seed, same weights");
        ModelArtifact artifact = ModelArtifact.load(a);
        double recorded = artifact.config().path("training").path("test").path("NDCG@10").asDouble();
        SequenceDataset ds = SequenceDataset.of(InteractionReader.read(data), artifact.items());
        LeaveOneOutSplit split = new LeaveOneOutSplit(ds);
        try (KdsrArtifacts.LoadedSequenceModel m1 = KdsrArtifacts.loadSequenceModel(artifact, ai.djl.Device.cpu());
                KdsrArtifacts.LoadedSequenceModel m2 = KdsrArtifacts.loadSequenceModel(ModelArtifact.load(b), ai.djl.Device.cpu())) {
            BatchScorer s1 = m1.scorer();
            int[][] histories = {split.test().get(0).history(), split.test().get(1).history()};
            assertArrayEquals(s1.score(histories)[1], m2.scorer().score(histories)[1], SCORE_TOLERANCE);
            double reloaded = new dev.streamrec.model.train.FullRankingEvaluator(64, false).evaluate(s1, split.test()).ndcg(10);
            assertEquals(recorded, reloaded, 1e-9, "the reloaded backbone reproduces the recorded test NDCG@10");
        }
    }

    @Test
    void shouldRefuseCorruptOrUnknownArtifacts() throws Exception {
        KdsrFamily family = new KdsrFamily();
        Path out = dir.resolve("corrupt");
        family.train("sasrec", args("sasrec", out, "--epochs", "1"));
        byte[] w = Files.readAllBytes(out.resolve(KdsrArtifacts.WEIGHTS));
        w[w.length / 2] ^= 0x5a;
        Files.write(out.resolve(KdsrArtifacts.WEIGHTS), w);
        assertThrows(ArtifactException.class, () -> ModelArtifact.load(out));

        ObjectNode config = ArtifactWriter.newConfig("sasrec", "v1");
        ObjectNode hp = (ObjectNode) config.get("hyperParameters");
        new dev.streamrec.model.backbone.EncoderConfig(dev.streamrec.model.backbone.EncoderConfig.Kind.SASREC, 2, 4, 3, 1, 1, 0f).writeTo(hp);
        hp.put("mystery", 1);
        ModelArtifact unknown = new ArtifactWriter(dir.resolve("unknown-key")).config(config)
                .items(dev.streamrec.model.data.ItemIndex.of(List.of("a", "b"))).file(KdsrArtifacts.WEIGHTS, o -> o.write(1)).commit();
        ArtifactException e = assertThrows(ArtifactException.class, () -> family.loadRecommender(unknown, "cpu"));
        assertTrue(e.getMessage().contains("mystery"), e.getMessage());
    }

    @Test
    void shouldTrainPopularityBaselineWithArtifact() throws Exception {
        KdsrFamily family = new KdsrFamily();
        Path out = dir.resolve("popularity");
        assertEquals(0, family.train("popularity", args("popularity", out)));
        ModelArtifact artifact = ModelArtifact.load(out);
        try (Recommender rec = family.loadRecommender(artifact, "cpu")) {
            List<ScoredItem> top = rec.recommend(List.of(new RecommendRequest("u", List.of(), 3, false))).get(0);
            assertEquals(3, top.size());
            assertTrue(top.get(0).score() >= top.get(2).score());
        }
        assertEquals(0, new KdsrFamily().evaluate(artifact, evaluateOptions(artifact, "--data", data.toString(), "--json")));
    }

    @Test
    void shouldServeTheSameTopKOnCuda() throws Exception {
        GpuParity.assumeGpu();
        KdsrFamily family = new KdsrFamily();
        for (String model : List.of("kdsr-sasrec", "gru4rec")) {
            Path out = dir.resolve("gpu-" + model);
            assertEquals(0, family.train(model, args(model, out, "--epochs", "1")));
            ModelArtifact artifact = ModelArtifact.load(out);
            GpuParity.assertServesTheSameOnCuda(device -> family.loadRecommender(artifact, device), List.of(
                    new RecommendRequest("u1", List.of("i1", "i2", "i3"), 5, true),
                    new RecommendRequest("u2", List.of("i7", "unknown-item"), 3, false)), 1e-4f);
        }
    }
}
