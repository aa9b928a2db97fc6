package dev.streamrec.model.kdsr;

import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.CommandOptions;
import dev.streamrec.model.cli.ModelCli;
import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.data.MovieLens;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.Recommender;
import dev.streamrec.model.serving.ScoredItem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KdsrFineTunerTest {

    private static CliArgs options(String... args) {
        CommandOptions c = CommandOptions.command("test", "A KDSR round's options.", null);
        KdsrFineTuner.declare(c);
        return c.parse(List.of(args));
    }

    /** Float noise of two forward passes over the same weights. */
    private static final float SCORE_TOLERANCE = 1e-4f;

    /**
     * Trains a tiny SASRec on the first 3,000 MovieLens events; returns its artifact. The classic split
     * (one validation target per user, the CLI default before issue 22): the catalogue-growth case
     * below was calibrated on the model it gives, and with 2 or more targets it no longer lifts the
     * new item into the top 10 after 5 epochs (measured).
     */
    private static ModelArtifact tinySasRec(Path tmp, List<Interaction> all) throws Exception {
        StringBuilder csv = new StringBuilder("userId,itemId,timestamp\n");
        all.forEach(i -> csv.append(i.userId()).append(',').append(i.itemId()).append(',').append(i.timestampMillis()).append('\n'));
        Files.writeString(tmp.resolve("d.csv"), csv);
        assertEquals(0, ModelCli.run("train", List.of("--model", "sasrec", "--data", tmp.resolve("d.csv").toString(),
                "--epochs", "1", "--dim", "16", "--max-len", "20", "--layers", "1", "--validation-targets", "1", "--output", tmp.resolve("v1").toString())));
        return ModelArtifact.load(tmp.resolve("v1"));
    }

    @Test
    void shouldContinueFromTheServedWeightsAndWriteANewVersion(@TempDir Path tmp) throws Exception {
        List<Interaction> all = MovieLens.bundled().interactions().subList(0, 3000);
        ModelArtifact v1 = tinySasRec(tmp, all);
        KdsrFamily family = new KdsrFamily();
        List<Interaction> window = new ArrayList<>(all.subList(1000, 3000));
        window.add(new Interaction("stranger", "no-such-item", 99L, 1.0));

        // With a vanishing learning rate (Adam steps ~ lr), the fine-tuned version scores exactly like the served one:
        // training starts from the artifact's weights, not from a fresh initialisation.
        ModelArtifact same = family.fineTune(v1, window, "ft-0", tmp.resolve("ft0"),
                options("--epochs", "1", "--lr", "1e-12"));
        assertEquals("ft-0", same.version());
        assertEquals(v1.items().size(), same.items().size());
        List<String> history = List.of(v1.items().idAt(1), v1.items().idAt(2));
        try (Recommender a = family.loadRecommender(v1, "cpu"); Recommender b = family.loadRecommender(same, "cpu")) {
            List<ScoredItem> ra = a.recommend(List.of(new RecommendRequest("u", history, 10, true))).get(0);
            List<ScoredItem> rb = b.recommend(List.of(new RecommendRequest("u", history, 10, true))).get(0);
            assertEquals(ra.stream().map(ScoredItem::itemId).toList(), rb.stream().map(ScoredItem::itemId).toList());
            for (int i = 0; i < ra.size(); i++) {
                assertEquals(ra.get(i).score(), rb.get(i).score(), SCORE_TOLERANCE);
            }
        }
        ModelArtifact moved = family.fineTune(v1, window, "ft-1", tmp.resolve("ft1"),
                options("--epochs", "1", "--lr", "0.01"));
        try (Recommender a = family.loadRecommender(v1, "cpu"); Recommender b = family.loadRecommender(moved, "cpu")) {
            assertNotEquals(a.recommend(List.of(new RecommendRequest("u", history, 10, true))).get(0),
                    b.recommend(List.of(new RecommendRequest("u", history, 10, true))).get(0));
        }
    }

    @Test
    void shouldGrowTheCatalogueWithItemsNewInTheWindow(@TempDir Path tmp) throws Exception {
        List<Interaction> all = MovieLens.bundled().interactions().subList(0, 3000);
        ModelArtifact v1 = tinySasRec(tmp, all);
        KdsrFamily family = new KdsrFamily();
        List<String> known = List.of(v1.items().idAt(1), v1.items().idAt(2), v1.items().idAt(3), v1.items().idAt(4));
        List<Interaction> window = new ArrayList<>(all.subList(1000, 3000));
        long t = all.get(2999).timestampMillis();
        for (int u = 0; u < 8; u++) {
            // k0 k1 NEW k2 k3: the new item is a training target (the last two are the user's validation and test).
            for (int k = 0; k < known.size(); k++) {
                window.add(new Interaction("newcomer-" + u, known.get(k), t + 10 * u + (k < 2 ? k : k + 1), 1.0));
            }
            window.add(new Interaction("newcomer-" + u, "brand-new-item", t + 10 * u + 2, 1.0));
        }
        window.add(new Interaction("passer-by", "seen-once-item", t + 100, 1.0)); // user too short to train: not added

        // Vanishing learning rate: the grown model keeps every old row and the encoder, so old items score as before.
        ModelArtifact grown = family.fineTune(v1, window, "ft-grown", tmp.resolve("grown"),
                options("--epochs", "1", "--lr", "1e-12"));
        assertEquals(v1.items().size() + 1, grown.items().size());
        assertEquals(v1.items().size() + 1, grown.items().indexOf("brand-new-item"));
        assertEquals(-1, grown.items().indexOf("seen-once-item"));
        assertEquals(1, grown.config().path("training").path("newItems").asInt());
        int all1 = grown.items().size();
        try (Recommender a = family.loadRecommender(v1, "cpu"); Recommender b = family.loadRecommender(grown, "cpu")) {
            List<ScoredItem> ra = a.recommend(List.of(new RecommendRequest("u", known, all1, true))).get(0);
            List<ScoredItem> rb = b.recommend(List.of(new RecommendRequest("u", known, all1, true))).get(0);
            assertEquals(ra.size() + 1, rb.size());
            List<ScoredItem> oldOnly = rb.stream().filter(i -> !i.itemId().equals("brand-new-item")).toList();
            assertEquals(ra.stream().map(ScoredItem::itemId).toList(), oldOnly.stream().map(ScoredItem::itemId).toList());
            for (int i = 0; i < ra.size(); i++) {
                assertEquals(ra.get(i).score(), oldOnly.get(i).score(), SCORE_TOLERANCE);
            }
            assertTrue(rb.stream().anyMatch(i -> i.itemId().equals("brand-new-item") && Float.isFinite(i.score())));
        }

        // Real fine-tuning: the new item, chosen after the same two items by eight users, climbs into their top 10.
        ModelArtifact learnt = family.fineTune(v1, window, "ft-learnt", tmp.resolve("learnt"),
                options("--epochs", "5", "--batch-size", "8", "--lr", "0.01", "--patience", "5"));
        try (Recommender r = family.loadRecommender(learnt, "cpu")) {
            List<ScoredItem> top = r.recommend(List.of(new RecommendRequest("u", known.subList(0, 2), 10, true))).get(0);
            assertTrue(top.stream().anyMatch(i -> i.itemId().equals("brand-new-item")), "top 10: " + top);
        }
    }
}
