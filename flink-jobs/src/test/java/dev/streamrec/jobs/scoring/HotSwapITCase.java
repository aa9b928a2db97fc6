package dev.streamrec.jobs.scoring;

import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.kafka.EmbeddedKafkaBroker;
import dev.streamrec.jobs.testutil.KafkaTestClient;
import dev.streamrec.jobs.testutil.TestJobs;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.schema.event.ModelUpdate;
import dev.streamrec.schema.event.Prediction;
import dev.streamrec.schema.serde.EventCodec;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hot swaps through the real broker and MiniCluster (exactly-once sinks, read_committed reads):
 * a rollback by name serves the earlier version again, a rollback that overtakes a load wins, and
 * a failure while a new version is still loading restarts into the announced version; in all, every
 * event gets exactly one prediction per model and the served version switches atomically (never
 * back and forth). Synchronisation is by committed output only: predictions, and a dead letter
 * that marks a completed checkpoint.
 */
class HotSwapITCase {

    /** Events per produced batch: one per user. */
    private static final int USERS = 12;
    /** How long a first-attempt hot-swap load waits in the restart tests: far longer than the test. */
    private static final Duration LOAD_STALL = Duration.ofMinutes(10);
    private static final Duration WAIT = Duration.ofSeconds(120);

    private static EmbeddedKafkaBroker broker;
    @TempDir
    static Path tmp;
    private static ModelArtifact v1;
    private static ModelArtifact v2;

    @BeforeAll
    static void setUp() throws Exception {
        broker = EmbeddedKafkaBroker.start();
        Path csv = tmp.resolve("slice.csv");
        TestJobs.writeMovieLensSlice(csv, 3000);
        v1 = ModelArtifact.load(TestJobs.trainTinySasRec(csv, tmp.resolve("v1"), 1));
        Thread.sleep(1100); // versions carry the training time to the second
        v2 = ModelArtifact.load(TestJobs.trainTinySasRec(csv, tmp.resolve("v2"), 2));
        assertTrue(!v1.version().equals(v2.version()), "two distinct versions");
    }

    @AfterAll
    static void tearDown() {
        broker.close();
    }

    @Test
    void shouldRollBackToANamedVersionWithoutLosingOrRepeatingAnEvent() throws Exception {
        Harness h = new Harness("rollback", tmp.resolve("rollback"));
        JobClient job = TestJobs.start(h.conf);
        try {
            h.awaitAll(h.produce(4 * USERS));
            h.announce(new ModelUpdate("sasrec", v2.version(), v2.dir().toUri().toString(), v2.sha256(), "deploy", 1L));
            h.produceUntilServed(v2.version());
            h.announce(new ModelUpdate("sasrec", v1.version(), null, null, "rollback", 2L));
            h.produceUntilServed(v1.version());
            List<String> last = h.produce(2 * USERS);
            List<Prediction> all = h.awaitAll(last);

            h.assertExactlyOncePerModel(all);
            assertEquals(List.of(v1.version(), v2.version(), v1.version()), h.servedSequence(all),
                    "v1, then v2 after the deploy, then v1 again after the rollback; never interleaved");
            for (Prediction p : h.sasrec(all)) {
                if (last.contains(p.eventId)) {
                    assertEquals(v1.version(), p.modelVersion, "after the rollback: " + p.eventId);
                }
            }
        } finally {
            job.cancel().get();
        }
    }

    /**
     * The update arrives, a checkpoint completes with it in state (observed by a malformed record
     * after it on the same partition becoming a committed dead letter), events keep being served
     * by v1 while v2 loads (the first attempt's load is held back by {@code chaos.model-load-delay}),
     * then the job fails mid-stream ({@code chaos.fail-once-after-events}). After the restart the
     * job must serve v2, which only a restored state can cause: the first attempt never finishes
     * the load.
     */
    @Test
    void shouldServeTheAnnouncedVersionAfterAFailureDuringTheSwap() throws Exception {
        int phase1 = 4 * USERS;
        int whileLoading = 2 * USERS;
        int failAfter = phase1 + whileLoading + USERS / 2;
        Harness h = new Harness("restart", tmp.resolve("restart"));
        h.conf.set(JobOptions.CHAOS_FAIL_AFTER, (long) failAfter);
        h.conf.set(JobOptions.CHAOS_MODEL_LOAD_DELAY, LOAD_STALL);
        InMemoryReporter reporter = InMemoryReporter.createWithRetainedMetrics();
        reporter.addToConfiguration(h.conf);
        JobClient job = TestJobs.start(h.conf);
        try {
            for (Prediction p : h.sasrec(h.awaitAll(h.produce(phase1)))) {
                assertEquals(v1.version(), p.modelVersion);
            }
            h.announce(new ModelUpdate("sasrec", v2.version(), v2.dir().toUri().toString(), v2.sha256(), "deploy", 1L));
            h.awaitCheckpointAfterUpdates();

            // v2 is loading (held back): serving goes on with v1, batch after batch.
            List<String> served = h.produce(whileLoading);
            for (Prediction p : h.sasrec(h.awaitAll(served))) {
                if (served.contains(p.eventId)) {
                    assertEquals(v1.version(), p.modelVersion, "served while v2 loads: " + p.eventId);
                }
            }
            long batches = reporter.findMetrics(job.getJobID(), ".*batchesWhileLoading").values().stream()
                    .mapToLong(c -> ((Counter) c).getCount()).sum();
            assertTrue(batches > 0, "batches served while a load was in flight: " + batches);

            // The failure lands on event number failAfter + 1 while v2 still loads.
            List<String> afterFailure = new ArrayList<>(h.produce(2 * USERS));
            afterFailure.addAll(h.produce(USERS));
            List<Prediction> all = h.awaitAll(afterFailure);

            h.assertExactlyOncePerModel(all);
            assertEquals(List.of(v1.version(), v2.version()), h.servedSequence(all),
                    "v1 until the restart, v2 after it (restored from the checkpoint)");
            List<String> produced = h.producedIds();
            for (Prediction p : h.sasrec(all)) {
                if (produced.indexOf(p.eventId) >= failAfter) {
                    assertEquals(v2.version(), p.modelVersion, "scored only after the restart: " + p.eventId);
                }
            }
        } finally {
            job.cancel().get();
        }
    }

    /**
     * A rollback to the serving version, announced while a newer version loads, wins: the newer
     * load is dropped, and across a restart too (the checkpointed descriptor is the rolled-back one).
     */
    @Test
    void shouldKeepTheRolledBackVersionWhenTheRollbackOvertakesALoad() throws Exception {
        int phase1 = 2 * USERS;
        Harness h = new Harness("overtake", tmp.resolve("overtake"));
        h.conf.set(JobOptions.CHAOS_FAIL_AFTER, (long) phase1 + USERS / 2);
        h.conf.set(JobOptions.CHAOS_MODEL_LOAD_DELAY, LOAD_STALL);
        JobClient job = TestJobs.start(h.conf);
        try {
            h.awaitAll(h.produce(phase1));
            h.announce(new ModelUpdate("sasrec", v2.version(), v2.dir().toUri().toString(), v2.sha256(), "deploy", 1L));
            h.announce(new ModelUpdate("sasrec", v1.version(), null, null, "rollback", 2L));
            h.awaitCheckpointAfterUpdates();
            List<String> afterFailure = new ArrayList<>(h.produce(2 * USERS));
            afterFailure.addAll(h.produce(USERS));
            List<Prediction> all = h.awaitAll(afterFailure);

            h.assertExactlyOncePerModel(all);
            assertEquals(List.of(v1.version()), h.servedSequence(all), "the rollback overtook the load of v2");
        } finally {
            job.cancel().get();
        }
    }

    /** One job under test: its own topics, a SASRec (v1 artifact) and popularity side by side. */
    private static final class Harness {
        final String name;
        final Configuration conf;
        final KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers());
        final EventCodec codec = new EventCodec();
        final List<String> ids = new ArrayList<>();
        int markers;

        Harness(String name, Path dir) {
            this.name = name;
            conf = TestJobs.isolatedConfig(broker, dir, name);
            conf.set(JobOptions.MODELS, List.of("sasrec", "popularity"));
            conf.set(JobOptions.ARTIFACTS, List.of(v1.dir().toString()));
            conf.set(JobOptions.BATCH_SIZE, 4);
        }

        String topic(String suffix) {
            return name + "-" + suffix;
        }

        /** Produces {@code n} events round-robin over the users, items from the model's catalogue. */
        List<String> produce(int n) {
            List<String> keys = new ArrayList<>();
            List<byte[]> values = new ArrayList<>();
            List<String> batch = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = ids.size();
                String user = "user" + (k % USERS);
                String id = name + "-" + k;
                String item = v1.items().idAt(1 + (k * 37) % (v1.items().size() - 1));
                ids.add(id);
                batch.add(id);
                keys.add(user);
                values.add(TestJobs.event(id, user, item, 1_000_000L + k * 1000L));
            }
            kafka.produce(topic("in"), keys, values);
            return batch;
        }

        List<String> producedIds() {
            return ids;
        }

        void announce(ModelUpdate u) {
            kafka.produce(topic("updates"), List.of(u.model), List.of(codec.encodeModelUpdate(u)));
        }

        /**
         * Returns once a checkpoint holds the scoring operator's state after every update announced
         * so far: a malformed record behind them on the same partition becomes a dead letter that
         * is visible only when a checkpoint after it completed, and the updates reached scoring
         * before that checkpoint's barrier.
         */
        void awaitCheckpointAfterUpdates() {
            kafka.produce(topic("updates"), List.of("sasrec"),
                    List.of("{\"model\":\"sasrec\"}".getBytes(StandardCharsets.UTF_8)));
            markers++;
            int expected = markers;
            List<ConsumerRecord<byte[], byte[]>> dead = kafka.readUntil(topic("dead"), r -> r.size() >= expected, WAIT);
            assertEquals(expected, dead.size(), "each malformed update is one dead letter");
        }

        /** Every committed prediction once those of {@code events} (both models) are all visible. */
        List<Prediction> awaitAll(List<String> events) {
            List<ConsumerRecord<byte[], byte[]>> records = kafka.readUntil(topic("pred"), r -> {
                int seen = 0;
                for (ConsumerRecord<byte[], byte[]> c : r) {
                    seen += events.contains(codec.decodePrediction(c.value()).eventId) ? 1 : 0;
                }
                return seen >= 2 * events.size();
            }, WAIT);
            List<Prediction> out = new ArrayList<>();
            records.forEach(r -> out.add(codec.decodePrediction(r.value())));
            return out;
        }

        /** Keeps the stream flowing (a batch per round, each awaited) until SASRec answers with {@code version}. */
        void produceUntilServed(String version) {
            long deadline = System.currentTimeMillis() + WAIT.toMillis();
            while (System.currentTimeMillis() < deadline) {
                List<String> batch = produce(USERS);
                for (Prediction p : sasrec(awaitAll(batch))) {
                    if (batch.contains(p.eventId) && p.modelVersion.equals(version)) {
                        return;
                    }
                }
            }
            throw new AssertionError(version + " was not served within " + WAIT);
        }

        List<Prediction> sasrec(List<Prediction> all) {
            return all.stream().filter(p -> p.model.equals("sasrec")).toList();
        }

        /** SASRec's versions in commit order with repeats collapsed: each switch shows once. */
        List<String> servedSequence(List<Prediction> all) {
            List<String> seq = new ArrayList<>();
            for (Prediction p : sasrec(all)) {
                if (seq.isEmpty() || !seq.get(seq.size() - 1).equals(p.modelVersion)) {
                    seq.add(p.modelVersion);
                }
            }
            return seq;
        }

        void assertExactlyOncePerModel(List<Prediction> all) {
            Map<String, Integer> perEventAndModel = new HashMap<>();
            for (Prediction p : all) {
                perEventAndModel.merge(p.eventId + "/" + p.model, 1, Integer::sum);
            }
            for (String id : ids) {
                for (String model : List.of("sasrec", "popularity")) {
                    assertEquals(1, perEventAndModel.getOrDefault(id + "/" + model, 0), "predictions of " + id + "/" + model);
                }
            }
            assertEquals(2 * ids.size(), all.size(), "no prediction for an event that was not produced");
        }
    }
}
