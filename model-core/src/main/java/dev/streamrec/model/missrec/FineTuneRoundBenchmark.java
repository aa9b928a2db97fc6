package dev.streamrec.model.missrec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.CommandOptions;
import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.data.InteractionReader;
import dev.streamrec.model.data.MovieLens;
import dev.streamrec.model.metrics.MetricAccumulator;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.Recommender;
import dev.streamrec.model.serving.ScoredItem;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures one streaming fine-tuning round of a MISSRec artifact the way the stream runs it: the
 * newest {@code --window} interactions of {@code --data} (default the bundled MovieLens) in time
 * order are handed to {@link MissRecFamily#fineTune}; prints the new artifact's provenance as JSON
 * (events, validation NDCG@10 before/after, seconds). With {@code --held-out F} the newest fraction F
 * of the window is kept out of the round, as the stream's gate does, and both versions are scored on
 * it. Run: {@code java -cp ... FineTuneRoundBenchmark --artifact DIR --output DIR [--window 30000]
 * [--held-out 0.1] [fine-tuning options]}. Not a test: timings depend on the machine.
 */
public final class FineTuneRoundBenchmark {

    private static final int MAX_HISTORY = 50;
    private static final int BATCH = 128;

    private FineTuneRoundBenchmark() {}

    public static void main(String[] argv) throws Exception {
        CommandOptions options = CommandOptions.command("FineTuneRoundBenchmark", "One MISSRec fine-tuning round, timed.", null)
                .required("artifact", "DIR", "The MISSRec artifact to continue from.")
                .required("output", "DIR", "Directory of the new version.")
                .path("data", null, "Interactions CSV (default: the bundled MovieLens).")
                .integer("window", 30_000, "The newest events the round trains on.")
                .decimal("held-out", 0, "The newest part of the window kept out of the round and scored.");
        MissRecFineTuner.declare(options);
        CliArgs args = options.parse(Arrays.asList(argv));
        List<Interaction> all = new ArrayList<>(args.has("data")
                ? InteractionReader.read(args.getPath("data")) : MovieLens.bundled().interactions());
        all.sort(Interaction.REPLAY_ORDER);
        int size = Math.min(all.size(), args.getInt("window"));
        List<Interaction> window = all.subList(all.size() - size, all.size());
        int cut = (int) Math.floor(size * (1 - args.getDouble("held-out")));
        ModelArtifact current = ModelArtifact.load(Path.of(args.require("artifact")));
        MissRecFamily family = new MissRecFamily();
        ModelArtifact tuned = family.fineTune(current, window.subList(0, cut), current.version() + "-ft",
                Path.of(args.require("output")), args);
        ObjectNode run = (ObjectNode) tuned.config().get("run").deepCopy();
        if (cut < size) {
            run.put("heldOutEvents", size - cut);
            run.put("heldOutNdcg10Before", heldOutNdcg10(family, current, window, cut));
            run.put("heldOutNdcg10After", heldOutNdcg10(family, tuned, window, cut));
        }
        System.out.println(new ObjectMapper().writeValueAsString(run));
    }

    /**
     * NDCG@10 of an artifact's recommender on the events after {@code cut}, each predicted from the
     * user's earlier events in the window (at most {@value #MAX_HISTORY}, history excluded from the list), like the
     * stream's held-out gate; events of users without earlier events are not cases.
     */
    private static double heldOutNdcg10(MissRecFamily family, ModelArtifact artifact, List<Interaction> window,
            int cut) throws Exception {
        Map<String, List<String>> seen = new HashMap<>();
        List<RecommendRequest> requests = new ArrayList<>();
        List<String> targets = new ArrayList<>();
        for (int e = 0; e < window.size(); e++) {
            Interaction i = window.get(e);
            List<String> h = seen.computeIfAbsent(i.userId(), u -> new ArrayList<>());
            if (e >= cut && !h.isEmpty()) {
                List<String> recent = List.copyOf(h.subList(Math.max(0, h.size() - MAX_HISTORY), h.size()));
                requests.add(new RecommendRequest(i.userId(), recent, 10, true));
                targets.add(i.itemId());
            }
            h.add(i.itemId());
        }
        MetricAccumulator acc = new MetricAccumulator(10);
        try (Recommender r = family.loadRecommender(artifact, "cpu")) {
            for (int from = 0; from < requests.size(); from += BATCH) {
                List<List<ScoredItem>> answers =
                        r.recommend(requests.subList(from, Math.min(requests.size(), from + BATCH)));
                for (int j = 0; j < answers.size(); j++) {
                    List<String> ids = answers.get(j).stream().map(ScoredItem::itemId).toList();
                    acc.add(ids.indexOf(targets.get(from + j)) + 1); // 0 = not in the top 10
                }
            }
        }
        return acc.ndcg(10);
    }
}
