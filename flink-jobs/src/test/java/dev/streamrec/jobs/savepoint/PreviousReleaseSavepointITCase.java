package dev.streamrec.jobs.savepoint;

import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.kafka.EmbeddedKafkaBroker;
import dev.streamrec.jobs.savepoint.SavepointFixture.Event;
import dev.streamrec.jobs.testutil.KafkaTestClient;
import dev.streamrec.jobs.testutil.TestJobs;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.baseline.DecayedPopularity;
import dev.streamrec.model.baseline.ItemCooccurrence;
import dev.streamrec.model.bm3.Bm3Recommender;
import dev.streamrec.model.cli.ModelFamilies;
import dev.streamrec.model.serving.Answer;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.Recommender;
import dev.streamrec.model.serving.ScoredItem;
import dev.streamrec.schema.event.EvalMetrics;
import dev.streamrec.schema.event.Prediction;
import dev.streamrec.schema.serde.EventCodec;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.client.JobCancellationException;
import org.apache.flink.util.ExceptionUtils;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The savepoint the previous release wrote ({@code src/test/resources/savepoints/a020b7d}, see its
 * README) restores into this release's job with no state left unclaimed, so every operator state
 * maps by uid and reads with its type; and what it holds came back: after the restore, each
 * prediction of each model equals model-core's answer given every event since the fixture's
 * start (the sequences and their de-duplication windows, the baselines' counts, BM3's per-user
 * edges and the item degrees recounted from them), and the evaluation goes on from its running
 * totals, scoring each user's first event after the restore against the prediction made before it.
 */
class PreviousReleaseSavepointITCase {

    /** The release that wrote the fixture. */
    private static final String RELEASE = "a020b7d";
    /** Rounds of the stream after the restore (the fixture's job saw rounds before them). */
    private static final int ROUNDS_AFTER = 2;

    @TempDir
    Path tmp;

    @Test
    void shouldRestoreEveryStateThePreviousReleaseSaved() throws Exception {
        Path fixture = Path.of(getClass().getResource("/savepoints/" + RELEASE).toURI());
        Map<String, String> settings = SavepointFixture.readSettings(fixture.resolve("job.properties"));
        List<String> models = Configuration.fromMap(settings).get(JobOptions.MODELS);
        List<Event> before = SavepointFixture.readEvents(fixture.resolve("events-before.csv"));
        ModelArtifact sasrec = ModelArtifact.load(fixture.resolve("artifacts/sasrec"));
        ModelArtifact bm3 = ModelArtifact.load(fixture.resolve("artifacts/bm3"));
        int roundsBefore = before.size() / SavepointFixture.USERS;
        List<Event> after = SavepointFixture.rounds(SavepointFixture.pool(sasrec, bm3), roundsBefore,
                roundsBefore + ROUNDS_AFTER, "a");
        // a repeat of an event the previous job took: its de-duplication window drops it
        Event repeated = before.get(before.size() - 1);

        EventCodec codec = new EventCodec();
        Map<String, Prediction> served = new LinkedHashMap<>(); // by model/eventId
        Map<String, EvalMetrics> running = new HashMap<>(); // each model's latest running totals
        Configuration conf;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            conf = SavepointFixture.jobConfig(broker, tmp, settings, fixture.resolve("artifacts"));
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, fixture.resolve("savepoint").toUri().toString());
            conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, false);
            KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers());
            String input = conf.get(JobOptions.TOPIC_INTERACTIONS);
            // the input as the previous job left it: the restored source goes on at the next offset
            produce(kafka, input, before);
            List<Event> sent = new ArrayList<>(List.of(repeated));
            sent.addAll(after);
            int expected = after.size() * models.size();
            long lastTest = after.get(after.size() - 1).timestamp();
            JobClient job = TestJobs.start(conf);
            // done only when the job ends: a state it cannot map by uid or read with its type fails it
            CompletableFuture<JobExecutionResult> ended = job.getJobExecutionResult();
            try {
                produce(kafka, input, sent);
                kafka.readUntil(conf.get(JobOptions.TOPIC_PREDICTIONS), r -> r.size() >= expected || ended.isDone(),
                        Duration.ofSeconds(60));
                kafka.readUntil(conf.get(JobOptions.TOPIC_EVAL_METRICS), r -> ended.isDone()
                        || latestRunning(r, codec).size() == models.size()
                                && latestRunning(r, codec).values().stream().allMatch(m -> m.windowEnd == lastTest),
                        Duration.ofSeconds(30));
                Thread.sleep(1000); // an answer to the repeat would surface
            } finally {
                if (!ended.isDone()) {
                    job.cancel().get();
                }
            }
            assertRunningUntilCancelled(ended);
            for (ConsumerRecord<byte[], byte[]> r : kafka.readFor(conf.get(JobOptions.TOPIC_PREDICTIONS), Duration.ofSeconds(1))) {
                Prediction p = codec.decodePrediction(r.value());
                assertEquals(null, served.put(p.model + "/" + p.eventId, p), "duplicate prediction " + p.model + "/" + p.eventId);
            }
            running.putAll(latestRunning(kafka.readFor(conf.get(JobOptions.TOPIC_EVAL_METRICS), Duration.ofSeconds(1)), codec));
        }

        assertEquals(after.size() * models.size(), served.size(),
                "one prediction per event after the restore and model, none for the repeat");
        assertEquals(sasrec.version(), served.get("sasrec/" + after.get(0).id()).modelVersion);
        assertEquals(bm3.version(), served.get("bm3/" + after.get(0).id()).modelVersion);
        assertAnswersOfModelCore(conf, sasrec, bm3, before, after, served);

        // every event but each user's first is a test: after the restore the running totals go on
        // from those before it, and each user's first event is scored against the prediction made before
        long tests = before.size() - before.stream().map(Event::user).distinct().count() + after.size();
        for (String model : models) {
            assertNotNull(running.get(model), "running totals of " + model);
            assertEquals(tests, running.get(model).count, "tests of " + model);
        }
    }

    /** The job ran until the test cancelled it: else the test fails with the job's failure. */
    private static void assertRunningUntilCancelled(CompletableFuture<JobExecutionResult> ended) {
        try {
            ended.join();
        } catch (CompletionException e) {
            if (!(e.getCause() instanceof JobCancellationException)
                    && !ExceptionUtils.findThrowable(e, JobCancellationException.class).isPresent()) {
                throw new AssertionError("the job failed restoring the savepoint of " + RELEASE, e.getCause());
            }
        }
    }

    private static void produce(KafkaTestClient kafka, String topic, List<Event> events) {
        kafka.produce(topic, events.stream().map(Event::user).toList(), events.stream().map(Event::payload).toList());
    }

    /** The latest running totals of each model among the evaluation records. */
    private static Map<String, EvalMetrics> latestRunning(List<ConsumerRecord<byte[], byte[]>> records, EventCodec codec) {
        Map<String, EvalMetrics> out = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            EvalMetrics m = codec.decodeEvalMetrics(r.value());
            if ("running".equals(m.scope)) {
                out.put(m.model, m);
            }
        }
        return out;
    }

    /**
     * Model-core's models are given the fixture's events and then the ones after the restore, one
     * at a time as the job gives them (answer, then learn; BM3 handed the user's stored edges and
     * counting each stored state): every answer after the restore must be the served one. The
     * baselines' scores decay from a clock origin of their own, so theirs must be the served ones
     * up to one factor per list.
     */
    private static void assertAnswersOfModelCore(Configuration conf, ModelArtifact sasrecArtifact, ModelArtifact bm3Artifact,
            List<Event> before, List<Event> after, Map<String, Prediction> served) throws Exception {
        int topK = conf.get(JobOptions.TOP_K);
        boolean excludeSeen = conf.get(JobOptions.EXCLUDE_SEEN);
        int window = conf.get(JobOptions.SEQUENCE_MAX_LENGTH);
        long halfLife = conf.get(JobOptions.POPULARITY_HALF_LIFE).toMillis();
        DecayedPopularity popularity = new DecayedPopularity(halfLife);
        ItemCooccurrence cooccurrence = new ItemCooccurrence(halfLife, conf.get(JobOptions.COOCCURRENCE_WINDOW),
                conf.get(JobOptions.COOCCURRENCE_NEIGHBOURS));
        try (Recommender sasrec = ModelFamilies.forModel("sasrec").loadRecommender(sasrecArtifact, "cpu");
                Bm3Recommender bm3 = (Bm3Recommender) ModelFamilies.forModel("bm3").loadRecommender(bm3Artifact, "cpu")) {
            Map<String, List<String>> histories = new HashMap<>();
            Map<String, byte[]> edges = new HashMap<>();
            List<Event> all = new ArrayList<>(before);
            all.addAll(after);
            for (int n = 0; n < all.size(); n++) {
                Event e = all.get(n);
                boolean compared = n >= before.size();
                List<String> h = histories.computeIfAbsent(e.user(), k -> new ArrayList<>());
                List<String> historyBefore = List.copyOf(h);
                h.add(e.item());
                List<String> recent = new ArrayList<>(h.subList(Math.max(0, h.size() - window), h.size()));
                RecommendRequest request = new RecommendRequest(e.user(), recent, topK, excludeSeen);

                Answer answer = bm3.answer(List.of(request.withUserState(edges.get(e.user())))).get(0);
                bm3.userStateStored(edges.put(e.user(), answer.userState()), answer.userState());
                if (compared) {
                    TestJobs.assertServedRanking(answer.items(), served.get("bm3/" + e.id()), "bm3 " + e.id());
                    TestJobs.assertServedRanking(sasrec.recommend(List.of(request)).get(0),
                            served.get("sasrec/" + e.id()), "sasrec " + e.id());
                    assertUpToAFactor(popularity.recommend(List.of(request)).get(0),
                            served.get(DecayedPopularity.NAME + "/" + e.id()), "popularity " + e.id());
                    assertUpToAFactor(cooccurrence.recommend(List.of(request)).get(0),
                            served.get(ItemCooccurrence.NAME + "/" + e.id()), "cooccurrence " + e.id());
                }
                popularity.observe(e.user(), historyBefore, e.item(), e.timestamp());
                cooccurrence.observe(e.user(), historyBefore, e.item(), e.timestamp());
            }
        }
    }

    /** The served list is model-core's: the same items in the same order, the scores one factor apart. */
    private static void assertUpToAFactor(List<ScoredItem> expected, Prediction served, String label) {
        assertNotNull(served, label);
        assertTrue(!expected.isEmpty(), label + ": model-core recommends something");
        assertEquals(expected.stream().map(ScoredItem::itemId).toList(),
                served.items.stream().map(i -> i.itemId).toList(), label);
        double factor = served.items.get(0).score / expected.get(0).score();
        for (int k = 0; k < expected.size(); k++) {
            assertEquals(factor, served.items.get(k).score / expected.get(k).score(), 1e-4 * factor, label + " rank " + k);
        }
    }
}
