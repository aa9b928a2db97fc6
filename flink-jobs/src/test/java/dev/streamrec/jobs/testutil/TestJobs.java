package dev.streamrec.jobs.testutil;

import dev.streamrec.jobs.RecommenderJob;
import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.kafka.EmbeddedKafkaBroker;
import dev.streamrec.model.serving.ScoredItem;
import dev.streamrec.schema.Topics;
import dev.streamrec.schema.event.Prediction;
import dev.streamrec.schema.serde.EventCodec;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Starts the real recommender job on a local MiniCluster (RocksDB, checkpoints) against a broker. */
public final class TestJobs {

    public static final List<String> ALL_TOPICS = List.of(Topics.INTERACTIONS, Topics.ITEM_FEATURES,
            Topics.PREDICTIONS, Topics.DEAD_LETTERS, Topics.EVAL_METRICS, Topics.MODEL_UPDATES,
            Topics.SHARED_COUNTS, Topics.USER_DELETIONS, Topics.USER_DELETIONS_CONFIRMED);

    private TestJobs() {}

    /** Score difference within which the stream's and model-core's rankings may order two items either way. */
    private static final float SCORE_TOLERANCE = 1e-4f;

    /**
     * A served prediction is model-core's ranking: at every rank the same score within 1e-4 and the
     * same item, except where two items' scores are within that tolerance of each other (a near-tie,
     * which a batch of 8 and a batch of 1 may order either way by the last bits of a matrix product):
     * there the served item must be one model-core ranks with a score within the tolerance (or one
     * tied with the last item when the tie crosses the top-K boundary). No item is served twice.
     * Failures name {@code label}, the rank and both items with their scores.
     */
    public static void assertServedRanking(List<ScoredItem> expected, Prediction served, String label) {
        assertEquals(expected.size(), served.items.size(), label);
        Map<String, Float> expectedScores = new LinkedHashMap<>();
        expected.forEach(e -> expectedScores.put(e.itemId(), e.score()));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < expected.size(); i++) {
            ScoredItem want = expected.get(i);
            String id = served.items.get(i).itemId;
            float score = served.items.get(i).score;
            String where = label + " rank " + i + ": expected " + want.itemId() + " (" + want.score() + "), served " + id
                    + " (" + score + ")";
            assertEquals(want.score(), score, SCORE_TOLERANCE, where);
            assertTrue(seen.add(id), where + ": served twice");
            if (!id.equals(want.itemId())) {
                Float modelCore = expectedScores.get(id);
                float last = expected.get(expected.size() - 1).score();
                boolean nearTie = modelCore != null
                        ? Math.abs(modelCore - want.score()) <= SCORE_TOLERANCE
                        : Math.abs(score - last) <= SCORE_TOLERANCE;
                assertTrue(nearTie, where + ": not a near-tie (model-core's score for " + id + ": " + modelCore + ")");
            }
        }
    }

    /** A job configuration for tests: short checkpoints, checkpoint dir under {@code tmp}. */
    public static Configuration config(EmbeddedKafkaBroker broker, Path tmp) {
        Configuration conf = new Configuration();
        conf.set(JobOptions.BOOTSTRAP_SERVERS, broker.bootstrapServers());
        conf.set(JobOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(300));
        conf.set(JobOptions.CHECKPOINT_DIR, tmp.resolve("checkpoints").toUri().toString());
        conf.set(JobOptions.EVAL_EMIT_EVERY, 100);
        return conf;
    }

    /**
     * A test configuration whose topics and consumer group are its own ({@code prefix-in},
     * {@code prefix-pred}, {@code prefix-dead}, {@code prefix-eval}, {@code prefix-features},
     * {@code prefix-updates}, {@code prefix-shared}, {@code prefix-deletions}, {@code prefix-confirmed}, created now), so several jobs in one test class do not see each
     * other's records.
     */
    public static Configuration isolatedConfig(EmbeddedKafkaBroker broker, Path tmp, String prefix) {
        broker.createTopics(1, List.of(prefix + "-in", prefix + "-pred", prefix + "-dead", prefix + "-eval",
                prefix + "-features", prefix + "-updates", prefix + "-shared", prefix + "-deletions",
                prefix + "-confirmed"));
        Configuration conf = config(broker, tmp);
        conf.set(JobOptions.TOPIC_INTERACTIONS, prefix + "-in");
        conf.set(JobOptions.TOPIC_PREDICTIONS, prefix + "-pred");
        conf.set(JobOptions.TOPIC_DEAD_LETTERS, prefix + "-dead");
        conf.set(JobOptions.TOPIC_EVAL_METRICS, prefix + "-eval");
        conf.set(JobOptions.TOPIC_ITEM_FEATURES, prefix + "-features");
        conf.set(JobOptions.TOPIC_MODEL_UPDATES, prefix + "-updates");
        conf.set(JobOptions.TOPIC_SHARED_COUNTS, prefix + "-shared");
        conf.set(JobOptions.TOPIC_USER_DELETIONS, prefix + "-deletions");
        conf.set(JobOptions.TOPIC_USER_DELETIONS_CONFIRMED, prefix + "-confirmed");
        conf.set(JobOptions.GROUP_ID, prefix);
        return conf;
    }

    /** An interaction event payload. */
    public static byte[] event(String eventId, String user, String item, long ts) {
        return ("{\"eventId\":\"" + eventId + "\",\"userId\":\"" + user + "\",\"itemId\":\"" + item
                + "\",\"timestamp\":" + ts + ",\"type\":\"view\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * A stream for the incremental-serving tests: {@code events} events of {@code users} users in
     * turn (event i is {@code prefix + i}, of user {@code prefix + i % users}), each of a random
     * item of {@code items} (seeded), with each user's whole history in event order.
     */
    public record RoundRobinStream(List<String> keys, List<byte[]> values, Map<String, List<String>> histories) {

        public static RoundRobinStream of(String prefix, int users, int events, dev.streamrec.model.data.ItemIndex items,
                long seed) {
            List<String> keys = new java.util.ArrayList<>();
            List<byte[]> values = new java.util.ArrayList<>();
            Map<String, List<String>> histories = new LinkedHashMap<>();
            java.util.Random rnd = new java.util.Random(seed);
            for (int i = 0; i < events; i++) {
                String user = prefix + (i % users);
                String item = items.idAt(1 + rnd.nextInt(items.size()));
                keys.add(user);
                values.add(event(prefix + i, user, item, 5_000L + i));
                histories.computeIfAbsent(user, u -> new java.util.ArrayList<>()).add(item);
            }
            return new RoundRobinStream(keys, values, histories);
        }

        /** The history of event i's user up to and including event i. */
        public List<String> historyAt(int i) {
            String user = keys.get(i);
            int users = histories.size();
            return histories.get(user).subList(0, i / users + 1);
        }
    }

    /**
     * Writes the first {@code n} MovieLens interactions (replay order) as a generic interactions CSV
     * and returns them: the small real training set of the model tests.
     */
    public static List<dev.streamrec.model.data.Interaction> writeMovieLensSlice(Path csv, int n) throws java.io.IOException {
        List<dev.streamrec.model.data.Interaction> slice =
                dev.streamrec.model.data.MovieLens.bundled().interactions().subList(0, n);
        StringBuilder sb = new StringBuilder("userId,itemId,timestamp\n");
        for (dev.streamrec.model.data.Interaction i : slice) {
            sb.append(i.userId()).append(',').append(i.itemId()).append(',').append(i.timestampMillis()).append('\n');
        }
        java.nio.file.Files.writeString(csv, sb);
        return slice;
    }

    /**
     * Writes two generated modalities of the slice's items into {@code dir}, {@code text.tsv} (8-d)
     * and {@code image.tsv} (6-d), seeded Gaussian vectors, and returns them as a {@code --features}
     * value: the multimodal input of the tiny BM3s the tests train.
     */
    public static String writeGaussianModalities(List<dev.streamrec.model.data.Interaction> slice, Path dir)
            throws java.io.IOException {
        java.util.Random rnd = new java.util.Random(5);
        Map<String, float[]> text = new LinkedHashMap<>();
        Map<String, float[]> image = new LinkedHashMap<>();
        for (dev.streamrec.model.data.Interaction i : slice) {
            text.computeIfAbsent(i.itemId(), k -> gaussian(rnd, 8));
            image.computeIfAbsent(i.itemId(), k -> gaussian(rnd, 6));
        }
        new dev.streamrec.model.data.ModalityFeatures("text", 8, text).write(dir.resolve("text.tsv"));
        new dev.streamrec.model.data.ModalityFeatures("image", 6, image).write(dir.resolve("image.tsv"));
        return dir.resolve("text.tsv") + "," + dir.resolve("image.tsv");
    }

    private static float[] gaussian(java.util.Random rnd, int dim) {
        float[] v = new float[dim];
        for (int d = 0; d < dim; d++) {
            v[d] = (float) rnd.nextGaussian();
        }
        return v;
    }

    /** Trains a tiny SASRec on a CSV (one epoch, d 16) into {@code out}; fails the test if training fails. */
    public static Path trainTinySasRec(Path csv, Path out, int seed) throws Exception {
        int code = dev.streamrec.model.cli.ModelCli.run("train", List.of("--model", "sasrec", "--data", csv.toString(),
                "--epochs", "1", "--dim", "16", "--max-len", "20", "--layers", "1", "--seed", String.valueOf(seed),
                "--output", out.toString()));
        if (code != 0) {
            throw new AssertionError("training the test model failed with exit code " + code);
        }
        return out;
    }

    public static JobClient start(Configuration conf) throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(RecommenderJob.runtimeConfiguration(conf));
        RecommenderJob.onKafka(conf).build(env);
        return env.executeAsync("streamrec-test");
    }

    /**
     * Runs the job of {@code conf} (one served model; a configured chaos failure lands mid-stream)
     * on these events, sent in two halves, each answered before the next, and cancels it once
     * every event was answered and late duplicates had a second to surface. Asserts exactly one
     * prediction per event and returns them by event id.
     */
    public static Map<String, Prediction> onePredictionPerEvent(Configuration conf, KafkaTestClient kafka,
            List<String> keys, List<byte[]> values) throws Exception {
        int events = keys.size();
        String input = conf.get(JobOptions.TOPIC_INTERACTIONS);
        String predictions = conf.get(JobOptions.TOPIC_PREDICTIONS);
        JobClient job = start(conf);
        try {
            kafka.produce(input, keys.subList(0, events / 2), values.subList(0, events / 2));
            kafka.readUntil(predictions, r -> r.size() >= events / 2, Duration.ofSeconds(90));
            kafka.produce(input, keys.subList(events / 2, events), values.subList(events / 2, events));
            kafka.readUntil(predictions, r -> r.size() >= events, Duration.ofSeconds(120));
            Thread.sleep(1000); // late duplicates would surface
        } finally {
            job.cancel().get();
        }
        Map<String, Prediction> served = predictionsByEvent(kafka, predictions);
        assertEquals(events, served.size());
        return served;
    }

    /** Every prediction on the topic (of one served model), by event id; asserts none is there twice. */
    public static Map<String, Prediction> predictionsByEvent(KafkaTestClient kafka, String predictions) {
        EventCodec codec = new EventCodec();
        Map<String, Prediction> served = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.readFor(predictions, Duration.ofSeconds(2))) {
            Prediction p = codec.decodePrediction(r.value());
            assertEquals(null, served.put(p.eventId, p), "duplicate prediction for " + p.eventId);
        }
        return served;
    }
}
