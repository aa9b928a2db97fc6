package dev.streamrec.model.kdsr;

import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.cli.CliArgs;
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

class KdsrFineTunerTest {

    @Test
    void shouldContinueFromTheServedWeightsAndWriteANewVersion(@TempDir Path tmp) throws Exception {
        List<Interaction> all = MovieLens.bundled().interactions().subList(0, 3000);
        StringBuilder csv = new StringBuilder("userId,itemId,timestamp\n");
        all.forEach(i -> csv.append(i.userId()).append(',').append(i.itemId()).append(',').append(i.timestampMillis()).append('\n'));
        Files.writeString(tmp.resolve("d.csv"), csv);
        assertEquals(0, ModelCli.run("train", List.of("--model", "sasrec", "--data", tmp.resolve("d.csv").toString(),
                "--epochs", "1", "--dim", "16", "--max-len", "20", "--layers", "1", "--output", tmp.resolve("v1").toString())));
        ModelArtifact v1 = ModelArtifact.load(tmp.resolve("v1"));
        KdsrFamily family = new KdsrFamily();
        List<Interaction> window = new ArrayList<>(all.subList(1000, 3000));
        window.add(new Interaction("stranger", "no-such-item", 99L, 1.0));

        // With a vanishing learning rate (Adam steps ~ lr), the fine-tuned version scores exactly like the served one:
        // training starts from the artifact's weights, not from a fresh initialisation.
        ModelArtifact same = family.fineTune(v1, window, "ft-0", tmp.resolve("ft0"),
                CliArgs.parse(List.of("--epochs", "1", "--lr", "1e-12")));
        assertEquals("ft-0", same.version());
        assertEquals(v1.items().size(), same.items().size());
        List<String> history = List.of(v1.items().idAt(1), v1.items().idAt(2));
        try (Recommender a = family.loadRecommender(v1, "cpu"); Recommender b = family.loadRecommender(same, "cpu")) {
            List<ScoredItem> ra = a.recommend(List.of(new RecommendRequest("u", history, 10, true))).get(0);
            List<ScoredItem> rb = b.recommend(List.of(new RecommendRequest("u", history, 10, true))).get(0);
            assertEquals(ra.stream().map(ScoredItem::itemId).toList(), rb.stream().map(ScoredItem::itemId).toList());
            for (int i = 0; i < ra.size(); i++) {
                assertEquals(ra.get(i).score(), rb.get(i).score(), 1e-4f);
            }
        }
        ModelArtifact moved = family.fineTune(v1, window, "ft-1", tmp.resolve("ft1"),
                CliArgs.parse(List.of("--epochs", "1", "--lr", "0.01")));
        try (Recommender a = family.loadRecommender(v1, "cpu"); Recommender b = family.loadRecommender(moved, "cpu")) {
            assertNotEquals(a.recommend(List.of(new RecommendRequest("u", history, 10, true))).get(0),
                    b.recommend(List.of(new RecommendRequest("u", history, 10, true))).get(0));
        }
    }
}
