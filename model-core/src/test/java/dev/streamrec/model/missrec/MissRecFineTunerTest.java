package dev.streamrec.model.missrec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.JsonNode;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.CommandOptions;
import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.data.ItemIndex;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.Recommender;
import dev.streamrec.model.serving.ScoredItem;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

class MissRecFineTunerTest {

    private static CliArgs options(String... args) {
        CommandOptions c = CommandOptions.command("test", "A MISSRec round's options.", null);
        MissRecFineTuner.declare(c);
        return c.parse(List.of(args));
    }

    /** The source artifact knows items 1..36; the window also has events on 37..40 (no features there). */
    private static final int KNOWN_ITEMS = 36;
    private static final int USERS = 60;
    private static final int LENGTH = 12;
    private static final CliArgs OPTIONS = options("--epochs", "4", "--patience", "10",
            "--examples-per-epoch", "0", "--batch-size", "32", "--lr", "5e-3", "--eval-batch", "64", "--seed", "11");

    private final SyntheticData data = new SyntheticData(3, USERS, LENGTH);

    /** A freshly initialised model over the known items, written as the serving artifact. */
    private ModelArtifact source(Path dir, MissRecConfig c, boolean poisoned) throws Exception {
        List<float[][]> features = new ArrayList<>();
        for (float[][] t : data.features) {
            features.add(Arrays.copyOf(t, KNOWN_ITEMS + 1));
        }
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= KNOWN_ITEMS; i++) {
            ids.add("m" + i);
        }
        Engine.getInstance().setRandomSeed(5);
        try (MissRecModel m = MissRecModel.create(c, features, Device.cpu())) {
            if (poisoned) {
                float[] w = m.params().get("adapter.text.weight").toFloatArray();
                w[0] = Float.NaN;
                m.params().get("adapter.text.weight").set(w);
            }
            m.refreshGlobalInterests(1L);
            m.freezeCatalogue();
            return MissRecArtifacts.write(dir, m, ItemIndex.of(ids), "src-1", Map.of("stage", "test"));
        }
    }

    /** The synthetic sequences as a stream: user u's t-th event at time t seconds (+ u ms). */
    private List<Interaction> window() {
        List<Interaction> out = new ArrayList<>();
        for (int u = 0; u < data.sequences.size(); u++) {
            int[] s = data.sequences.get(u);
            for (int t = 0; t < s.length; t++) {
                out.add(new Interaction("u" + u, "m" + s[t], t * 1000L + u, 1.0));
            }
        }
        return out;
    }

    private long unknownEvents() {
        return window().stream().filter(i -> Integer.parseInt(i.itemId().substring(1)) > KNOWN_ITEMS).count();
    }

    @ParameterizedTest
    @EnumSource(MissRecConfig.Mode.class)
    void shouldWriteAServableNewVersionWithTheFrozenPartsBitIdentical(MissRecConfig.Mode mode, @TempDir Path tmp)
            throws Exception {
        for (MissRecConfig.InterestMethod im : MissRecConfig.InterestMethod.values()) {
            ModelArtifact src = source(tmp.resolve("src-" + im), SyntheticData.config(mode, im), false);
            ModelArtifact out = new MissRecFamily().fineTune(src, window(), "ft-2", tmp.resolve("ft-" + im), OPTIONS);

            ModelArtifact loaded = ModelArtifact.load(out.dir());
            assertEquals("ft-2", loaded.version());
            JsonNode run = loaded.config().get("run");
            assertEquals("src-1", run.get("fineTunedFrom").asText());
            assertEquals(USERS * LENGTH, run.get("windowEvents").asInt());
            assertEquals(unknownEvents(), run.get("leftOutEvents").asLong());
            assertTrue(run.get("trainedEvents").asInt() > 0);
            assertTrue(run.get("bestEpoch").asInt() >= 1);
            assertTrue(run.get("seconds").asDouble() > 0);
            assertEquals(src.items().ids(), loaded.items().ids(), "the catalogue keeps its size and order");

            try (Recommender r = new MissRecFamily().loadRecommender(loaded, "cpu")) {
                assertEquals("ft-2", r.version());
                List<ScoredItem> top = r.recommend(List.of(new RecommendRequest("u1", List.of("m1", "m5"), 5, true))).get(0);
                assertEquals(5, top.size());
                assertTrue(top.stream().allMatch(s -> Float.isFinite(s.score())));
            }
            try (MissRecModel before = MissRecArtifacts.read(src, Device.cpu());
                    MissRecModel after = MissRecArtifacts.read(loaded, Device.cpu())) {
                after.freezeTransformer(); // the model's own definition of what PEFT freezes
                Map<String, float[]> a = MissRecTrainer.snapshot(before.params());
                Map<String, float[]> b = MissRecTrainer.snapshot(after.params());
                assertTrue(FrozenParameters.assertUnchanged(after.params(), a, b) > 10,
                        "positions, encoder and decoder are frozen");
                assertFalse(Arrays.equals(a.get("adapter.text.weight"), b.get("adapter.text.weight")), "adapters train");
                if (mode == MissRecConfig.Mode.TRANSDUCTIVE) {
                    assertFalse(Arrays.equals(a.get("id"), b.get("id")), "IDs train");
                }
            }
        }
    }

    @Test
    void shouldLowerTheWindowLossAndRaiseItsValidationNdcg(@TempDir Path tmp) throws Exception {
        ModelArtifact src = source(tmp.resolve("src"),
                SyntheticData.config(MissRecConfig.Mode.INDUCTIVE, MissRecConfig.InterestMethod.DPC_KNN), false);
        JsonNode run = MissRecFineTuner.fineTune(src, window(), "ft", tmp.resolve("ft"), OPTIONS).config().get("run");
        JsonNode epochs = run.get("training").get("epochLosses");
        assertEquals(4, epochs.size());
        double first = epochs.get(0).asDouble();
        double last = epochs.get(epochs.size() - 1).asDouble();
        assertTrue(last < first, "loss falls: " + epochs);
        assertEquals(USERS, run.get("validationCases").asInt());
        assertTrue(run.get("validNdcg10After").asDouble() > run.get("validNdcg10Before").asDouble(),
                "validation NDCG@10 rises: " + run);
    }

    @Test
    void shouldRefuseAWindowWithNothingToLearn(@TempDir Path tmp) throws Exception {
        ModelArtifact src = source(tmp.resolve("src"),
                SyntheticData.config(MissRecConfig.Mode.TRANSDUCTIVE, MissRecConfig.InterestMethod.DPC_KNN), false);
        MissRecFamily family = new MissRecFamily();
        Path out = tmp.resolve("ft");
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> family.fineTune(src, List.of(), "ft", out, OPTIONS));
        assertTrue(empty.getMessage().contains("unusable"), empty.getMessage());
        List<Interaction> onlyNewItems = window().stream()
                .filter(i -> Integer.parseInt(i.itemId().substring(1)) > KNOWN_ITEMS).toList();
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> family.fineTune(src, onlyNewItems, "ft", out, OPTIONS));
        assertTrue(unknown.getMessage().contains(onlyNewItems.size() + " events on items the artifact has no features"),
                unknown.getMessage());
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void shouldRefuseADivergedRound(@TempDir Path tmp) throws Exception {
        ModelArtifact src = source(tmp.resolve("src"),
                SyntheticData.config(MissRecConfig.Mode.INDUCTIVE, MissRecConfig.InterestMethod.DPC_KNN), true);
        Path out = tmp.resolve("ft");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MissRecFineTuner.fineTune(src, window(), "ft", out, OPTIONS));
        assertTrue(e.getMessage().contains("diverged"), e.getMessage());
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void shouldSplitTheWindowInTimeOrderAndLeaveOutItemsWithoutFeatures() {
        ItemIndex items = ItemIndex.of(List.of("a", "b", "c"));
        List<Interaction> window = List.of(
                new Interaction("u", "c", 30, 1), new Interaction("u", "a", 10, 1), new Interaction("u", "new", 15, 1),
                new Interaction("u", "b", 20, 1), new Interaction("v", "a", 5, 1), new Interaction("v", "b", 6, 1),
                new Interaction("w", "c", 1, 1));
        FineTuneWindow w = FineTuneWindow.of(window, items);
        assertEquals(7, w.windowEvents());
        assertEquals(1, w.leftOutEvents());
        assertEquals(2, w.train().size());
        assertArrayEquals(new int[] {1, 2}, w.train().get(0), "u: a, b in time order; c is validation");
        assertArrayEquals(new int[] {1, 2}, w.train().get(1), "v trains only");
        assertEquals(1, w.validation().size());
        assertEquals(3, w.validation().get(0).target());
        assertEquals(4, w.trainedEvents());
    }
}
