package dev.streamrec.model.bm3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.streamrec.model.artifact.ArtifactException;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.FineTuneCommand;
import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.data.ModalityFeatures;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.Recommender;
import dev.streamrec.model.serving.ScoredItem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Streaming fine-tuning of BM3-family artifacts ({@link Bm3FineTuner}) on tiny synthetic windows. */
class Bm3FineTuneTest {

    private static final String NEW_ITEM = "i-new";
    private static final String NEW_USER = "u-new";

    /** Trains a small artifact on the clustered fixture; modality "syn" for BM3. */
    private static ModelArtifact artifact(String variant, Path dir) throws Exception {
        Engine.getInstance().setRandomSeed(7);
        UserItemSplit split = UserItemSplit.of(Bm3Fixtures.clustered(1), UserItemSplit.Mode.RANDOM, 7);
        Map<String, float[][]> features = new LinkedHashMap<>();
        if (Bm3Config.BM3.equals(variant)) {
            features.put("syn", new ModalityFeatures("syn", 8, Bm3Fixtures.clusterFeatures(2)).alignedTo(split.items()));
        }
        Bm3Config c = Bm3Fixtures.config(variant, 3);
        InteractionGraph g = new InteractionGraph(split.users().size(), split.items().size() + 1, split.train());
        try (NDManager m = NDManager.newBaseManager(); Bm3Model model = new Bm3Model(c, g, features, m)) {
            new Bm3Trainer(c, false).train(model, split, m);
            Bm3ServingState state = Bm3ServingState.fromModel(model, split.items(), split.users(), split.train());
            return Bm3ArtifactIO.write(dir, state, "v1", JsonNodeFactory.instance.objectNode().put("split", "random"));
        }
    }

    /**
     * Newer events: every user takes every item of its own cluster (those not in its training
     * graph are new to it), cluster-A users (every other one) a brand-new item, and a new user
     * takes six cluster-B items.
     */
    private static List<Interaction> window() {
        List<Interaction> out = new ArrayList<>();
        long t = 10_000_000L;
        int half = Bm3Fixtures.ITEMS / 2;
        for (int u = 0; u < Bm3Fixtures.USERS; u++) {
            int base = u < Bm3Fixtures.USERS / 2 ? 0 : half;
            for (int i = base; i < base + half; i++) {
                out.add(new Interaction("u" + u, "i" + i, t++, 1.0));
            }
            if (u < Bm3Fixtures.USERS / 2 && u % 2 == 0) {
                out.add(new Interaction("u" + u, NEW_ITEM, t++, 1.0));
            }
        }
        for (int i = half; i < half + 6; i++) {
            out.add(new Interaction(NEW_USER, "i" + i, t++, 1.0));
        }
        return out;
    }

    private static Path newItemFeatures(Path dir) throws Exception {
        Path file = dir.resolve("syn.tsv");
        new ModalityFeatures("syn", 8, Map.of(NEW_ITEM, Bm3Fixtures.clusterFeatures(2).get("i3"))).write(file);
        return file;
    }

    private static CliArgs options(ModelArtifact current, String... extra) {
        List<String> args = new ArrayList<>(List.of("--epochs", "6", "--patience", "6", "--lr", "0.01", "--batch-size", "32"));
        args.addAll(List.of(extra));
        return FineTuneCommand.roundOptions(current).parse(args);
    }

    @Test
    void shouldWriteALoadableArtifactWithTheNewVersionWhoseRecommenderServes(@TempDir Path dir) throws Exception {
        ModelArtifact base = artifact("bm3", dir.resolve("v1"));
        Bm3Family family = new Bm3Family();
        ModelArtifact tuned = family.fineTune(base, window(), "v2", dir.resolve("v2"),
                options(base, "--features", newItemFeatures(dir).toString()));

        ModelArtifact loaded = ModelArtifact.load(dir.resolve("v2"));
        assertEquals("v2", loaded.version());
        assertEquals("bm3", loaded.model());
        JsonNode info = Bm3ArtifactIO.info(loaded);
        assertEquals("v1", info.path("fineTunedFrom").asText());
        assertEquals(window().size(), info.path("windowEvents").asInt());
        assertTrue(info.path("bestEpoch").asInt() >= 1);
        assertTrue(info.has("seconds"));
        try (Recommender r = family.loadRecommender(tuned, "cpu")) {
            assertEquals("v2", r.version());
            List<List<ScoredItem>> out = r.recommend(List.of(
                    new RecommendRequest("u0", List.of(), 5, true),
                    new RecommendRequest(NEW_USER, List.of(), 5, true)));
            assertEquals(5, out.get(0).size());
            assertEquals(5, out.get(1).size());
            assertTrue(out.stream().flatMap(List::stream).allMatch(s -> Float.isFinite(s.score())));
        }
    }

    @Test
    void shouldLowerTheWindowLossForEveryVariant(@TempDir Path dir) throws Exception {
        for (String variant : List.of("bm3", "lightgcn", "mf-bpr")) {
            ModelArtifact base = artifact(variant, dir.resolve(variant + "-v1"));
            ModelArtifact tuned = new Bm3Family().fineTune(base, window(), "v2", dir.resolve(variant + "-v2"), options(base));
            JsonNode losses = Bm3ArtifactIO.info(tuned).path("epochLosses");
            assertEquals(6, losses.size(), variant);
            assertTrue(losses.get(5).asDouble() < losses.get(0).asDouble(), variant + " window loss did not fall: " + losses);
        }
    }

    @Test
    void shouldGiveNewUsersAndItemsRowsAndInitialiseNewItemsFromTheirModality(@TempDir Path dir) throws Exception {
        ModelArtifact base = artifact("bm3", dir.resolve("v1"));
        ModelArtifact tuned = new Bm3Family().fineTune(base, window(), "v2", dir.resolve("v2"),
                options(base, "--features", newItemFeatures(dir).toString()));
        Bm3ServingState before = Bm3ArtifactIO.read(base);
        Bm3ServingState after = Bm3ArtifactIO.read(tuned);
        assertEquals(before.users().size() + 1, after.users().size());
        assertEquals(NEW_USER, after.users().get(after.users().size() - 1));
        assertEquals(before.items().size() + 1, after.items().size());
        int newItem = after.items().indexOf(NEW_ITEM);
        assertEquals(before.items().size() + 1, newItem);
        // Its raw feature row is the file's vector, fine-tuned from there (not the table mean).
        float[] raw = Bm3Fixtures.clusterFeatures(2).get("i3");
        assertTrue(after.featureTable("syn")[newItem][0] > after.featureTable("syn")[newItem][1],
                "new item kept its cluster-A feature");
        assertEquals(raw.length, after.featureTable("syn")[newItem].length);
        // Old weights are the starting point: the catalogue's old rows are kept in order.
        assertEquals(before.items().ids(), after.items().ids().subList(0, before.items().size()));
        try (Bm3Recommender r = new Bm3Recommender(after, "v2", Device.cpu())) {
            assertTrue(r.knownUsers().contains(NEW_USER));
            List<ScoredItem> all = r.recommend(List.of(new RecommendRequest("u0", List.of(), after.items().size(), false))).get(0);
            assertTrue(all.stream().anyMatch(s -> s.itemId().equals(NEW_ITEM)));
        }
    }

    @Test
    void shouldRefuseOlderArtifactsWithoutModalityTablesAndDivergedWeights(@TempDir Path dir) throws Exception {
        ModelArtifact base = artifact("bm3", dir.resolve("v1"));
        Bm3ServingState state = Bm3ArtifactIO.read(base);
        state.matrices().keySet().removeIf(k -> k.startsWith(Bm3ServingState.FEATURE_PREFIX));
        ModelArtifact old = Bm3ArtifactIO.write(dir.resolve("old"), state, "v0", JsonNodeFactory.instance.objectNode());
        assertNotNull(new Bm3Family().loadRecommender(old, "cpu"), "older artifacts still serve");
        ArtifactException e = assertThrows(ArtifactException.class,
                () -> new Bm3Family().fineTune(old, window(), "v2", dir.resolve("v2"), options(old)));
        assertTrue(e.getMessage().contains("predates"), e.getMessage());

        ModelArtifact mf = artifact("mf-bpr", dir.resolve("mf"));
        IllegalStateException diverged = assertThrows(IllegalStateException.class,
                () -> new Bm3Family().fineTune(mf, window(), "v3", dir.resolve("v3"), options(mf, "--lr", "1e38")));
        assertTrue(diverged.getMessage().contains("diverged"), diverged.getMessage());
    }
}
