package dev.streamrec.model.missrec;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.streamrec.model.data.ItemIndex;
import dev.streamrec.model.serving.Answer;
import dev.streamrec.model.serving.RecommendRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Where MISSRec's per-event serving time goes, stage by stage ({@link ServingLaps}), with the users'
 * interest working sets carried from event to event as the stream carries them, and without them
 * (DPC-KNN from scratch each event). A batch of users, each with a full window, is answered, then
 * every user gains one item and the batch is answered again, for {@code rounds} rounds after a
 * warm-up. The model is freshly initialised at the default configuration on MovieLens-like shapes
 * (a catalogue of 9,742 items, two 384-d modalities like the MiniLM title and tag vectors, window 50,
 * top 10): serving cost does not depend on what the weights learned. Prints milliseconds per batch
 * and per event of each stage. Run: {@code java -cp ... MissRecServingProfile [batch] [rounds]
 * [mode transductive|inductive]}. Not a test: timings depend on the machine.
 */
public final class MissRecServingProfile {

    private static final int ITEMS = 9742;
    private static final int FEATURE_DIM = 384;
    private static final int K = 10;

    private MissRecServingProfile() {}

    public static void main(String[] args) {
        int batchSize = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        MissRecConfig.Mode mode = args.length > 2 ? MissRecConfig.parseEnum(MissRecConfig.Mode.class, args[2])
                : MissRecConfig.Mode.TRANSDUCTIVE;
        Engine.getInstance().setRandomSeed(1);
        Random random = new Random(1);
        List<float[][]> features = List.of(gaussian(random), gaussian(random));
        MissRecConfig config = MissRecConfig.defaults(List.of("title", "tags"), List.of(FEATURE_DIM, FEATURE_DIM)).withMode(mode);
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= ITEMS; i++) {
            ids.add("m" + i);
        }
        try (MissRecModel model = MissRecModel.create(config, features, Device.cpu())) {
            model.freezeCatalogue();
            MissRecRecommender recommender = MissRecRecommender.of(model, ItemIndex.of(ids), "profile");
            List<List<String>> histories = new ArrayList<>();
            for (int u = 0; u < batchSize; u++) {
                List<String> h = new ArrayList<>();
                for (int t = 0; t < config.maxLen(); t++) {
                    h.add(ids.get(random.nextInt(ITEMS)));
                }
                histories.add(h);
            }
            System.out.printf(Locale.ROOT, "MISSRec %s, DPC-KNN interests, batch %d, window %d, %d items, 2 x %d-d "
                            + "modalities, %d rounds (+1 item per user per round), threads %s%n",
                    mode.name().toLowerCase(Locale.ROOT), batchSize, config.maxLen(), ITEMS, FEATURE_DIM, rounds,
                    System.getProperty("ai.djl.pytorch.num_threads", "libtorch default"));
            // Both paths once untimed first, so neither pays the JIT and allocator warm-up for the other.
            for (boolean carried : new boolean[] {true, false}) {
                run(recommender, histories, ids, random, rounds, carried);
            }
            for (boolean carried : new boolean[] {true, false}) {
                ServingLaps laps = run(recommender, histories, ids, random, rounds, carried);
                print(carried ? "working sets carried (the stream's path)" : "DPC-KNN from scratch every event",
                        laps.nanos(), rounds, batchSize);
            }
        }
    }

    /** Warm-up rounds, then {@code rounds} timed rounds; each round appends one item to every history. */
    private static ServingLaps run(MissRecRecommender recommender, List<List<String>> histories, List<String> ids,
            Random random, int rounds, boolean carried) {
        byte[][] states = new byte[histories.size()][];
        ServingLaps laps = new ServingLaps();
        for (int round = -3; round < rounds; round++) {
            List<RecommendRequest> batch = new ArrayList<>();
            for (int u = 0; u < histories.size(); u++) {
                List<String> h = histories.get(u);
                h.add(ids.get(random.nextInt(ids.size())));
                h.remove(0);
                batch.add(new RecommendRequest("u" + u, List.copyOf(h), K, true, states[u]));
            }
            List<Answer> answers = recommender.score(batch, carried, round < 0 ? ServingLaps.NONE : laps);
            for (int u = 0; u < answers.size(); u++) {
                states[u] = carried ? answers.get(u).userState() : null;
            }
        }
        return laps;
    }

    private static void print(String title, Map<String, Long> nanos, int rounds, int batchSize) {
        long total = nanos.values().stream().mapToLong(Long::longValue).sum();
        System.out.println();
        System.out.println(title);
        System.out.printf(Locale.ROOT, "%-50s %12s %12s %7s%n", "stage", "ms / batch", "ms / event", "share");
        nanos.forEach((stage, ns) -> System.out.printf(Locale.ROOT, "%-50s %12.2f %12.3f %6.1f%%%n", stage,
                ns / 1e6 / rounds, ns / 1e6 / rounds / batchSize, 100.0 * ns / total));
        System.out.printf(Locale.ROOT, "%-50s %12.2f %12.3f %6.1f%%   (%.0f events/s)%n", "total", total / 1e6 / rounds,
                total / 1e6 / rounds / batchSize, 100.0, rounds * (double) batchSize / (total / 1e9));
    }

    private static float[][] gaussian(Random random) {
        float[][] t = new float[ITEMS + 1][FEATURE_DIM];
        for (int i = 1; i <= ITEMS; i++) {
            for (int j = 0; j < FEATURE_DIM; j++) {
                t[i][j] = (float) random.nextGaussian();
            }
        }
        return t;
    }
}
