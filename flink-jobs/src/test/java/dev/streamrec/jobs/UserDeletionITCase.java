package dev.streamrec.jobs;

import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.kafka.EmbeddedKafkaBroker;
import dev.streamrec.jobs.testutil.KafkaTestClient;
import dev.streamrec.jobs.testutil.TestJobs;
import dev.streamrec.schema.event.DeadLetter;
import dev.streamrec.schema.event.Prediction;
import dev.streamrec.schema.event.UserDeletion;
import dev.streamrec.schema.event.UserDeletionConfirmation;
import dev.streamrec.schema.serde.EventCodec;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
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
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A user's deletion through the whole job on Kafka (in-JVM broker, MiniCluster, RocksDB, exactly
 * once), with a failure injected as the deletion reaches scoring (the job restarts from its last
 * checkpoint and reads the request again): read_committed, exactly one confirmation arrives, saying
 * what was dropped, a bad request is a dead letter, and the user's next event is answered as a
 * never-seen user's is: the same recommendations as a new user with the same event, among them
 * items the deleted user had seen (which a kept sequence would have excluded). That each operator
 * keeps nothing of the user is checked on its own state by the operators' harness tests
 * ({@code UserSequenceFunctionTest}, {@code ScoringOperatorTest}, {@code PrequentialEvaluationFunctionTest}).
 */
class UserDeletionITCase {

    private static final int USERS = 5;
    private static final int EVENTS_PER_USER = 6;
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void shouldConfirmOnceAndAnswerTheUserAfterwardsAsANewUser(@TempDir Path tmp) throws Exception {
        Configuration conf = TestJobs.isolatedConfig(broker, tmp, "deletion");
        conf.set(JobOptions.BATCH_SIZE, 1);
        int before = USERS * EVENTS_PER_USER;
        conf.set(JobOptions.CHAOS_FAIL_AFTER, (long) before); // the deletion, the next request, fails once
        int models = conf.get(JobOptions.MODELS).size();
        EventCodec codec = new EventCodec();
        KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers());
        JobClient job = TestJobs.start(conf);
        try {
            List<String> keys = new ArrayList<>();
            List<byte[]> values = new ArrayList<>();
            for (int e = 0; e < EVENTS_PER_USER; e++) {
                for (int u = 0; u < USERS; u++) {
                    keys.add("u" + u);
                    values.add(TestJobs.event("e" + u + "-" + e, "u" + u, "i" + ((u + e) % 8), 1_000_000L + e * 1000L));
                }
            }
            kafka.produce(conf.get(JobOptions.TOPIC_INTERACTIONS), keys, values);
            kafka.readUntil(conf.get(JobOptions.TOPIC_PREDICTIONS), r -> r.size() >= before * models, Duration.ofSeconds(90));

            String deletions = conf.get(JobOptions.TOPIC_USER_DELETIONS);
            kafka.produce(deletions, List.of("u1", "u1"), List.of(
                    "{\"userId\":\"u1\"}".getBytes(StandardCharsets.UTF_8),
                    codec.encodeUserDeletion(new UserDeletion("req-u1", "u1", 2_000_000L))));
            String confirmed = conf.get(JobOptions.TOPIC_USER_DELETIONS_CONFIRMED);
            kafka.readUntil(confirmed, r -> !r.isEmpty(), Duration.ofSeconds(90));

            // u1 again, and a user never seen, with the same event
            kafka.produce(conf.get(JobOptions.TOPIC_INTERACTIONS), List.of("u1", "new"), List.of(
                    TestJobs.event("after-u1", "u1", "i7", 3_000_000L), TestJobs.event("after-new", "new", "i7", 3_000_000L)));
            kafka.readUntil(conf.get(JobOptions.TOPIC_PREDICTIONS), r -> r.size() >= (before + 2) * models,
                    Duration.ofSeconds(90));
            Thread.sleep(1500); // a duplicate confirmation would surface in the next checkpoints

            List<ConsumerRecord<byte[], byte[]>> confirmations = kafka.readFor(confirmed, Duration.ofSeconds(2));
            assertEquals(1, confirmations.size(), "exactly one confirmation, across the restart");
            assertEquals("u1", new String(confirmations.get(0).key(), StandardCharsets.UTF_8));
            UserDeletionConfirmation c = codec.decodeUserDeletionConfirmation(confirmations.get(0).value());
            assertEquals("req-u1", c.requestId);
            assertEquals("u1", c.userId);
            assertEquals(2_000_000L, c.requestedAt);
            assertEquals(EVENTS_PER_USER, c.sequenceEvents);
            assertEquals(models, c.pendingEvaluations, "one pending prediction per model");
            assertEquals(List.of(), c.modelStates, "the baselines keep no per-user state");
            assertTrue(c.confirmedAt > 0);

            List<DeadLetter> dead = kafka.readFor(conf.get(JobOptions.TOPIC_DEAD_LETTERS), Duration.ofSeconds(1)).stream()
                    .map(r -> codec.decodeDeadLetter(r.value())).toList();
            assertEquals(1, dead.size());
            assertEquals(deletions, dead.get(0).topic);
            assertTrue(dead.get(0).reason.contains("requestId"), dead.get(0).reason);

            Map<String, Prediction> after = new HashMap<>();
            Set<String> seenByU1 = new TreeSet<>();
            for (ConsumerRecord<byte[], byte[]> r : kafka.readFor(conf.get(JobOptions.TOPIC_PREDICTIONS), Duration.ofSeconds(2))) {
                Prediction p = codec.decodePrediction(r.value());
                if (p.eventId.startsWith("after-")) {
                    assertEquals(null, after.put(p.eventId + "/" + p.model, p), "one prediction per event and model");
                }
            }
            for (int e = 0; e < EVENTS_PER_USER; e++) {
                seenByU1.add("i" + ((1 + e) % 8));
            }
            for (String model : conf.get(JobOptions.MODELS)) {
                List<String> u1 = itemIds(after.get("after-u1/" + model));
                assertEquals(itemIds(after.get("after-new/" + model)), u1, model + ": u1 answered as a new user");
                assertFalse(u1.stream().filter(seenByU1::contains).toList().isEmpty(),
                        model + ": items u1 saw before its deletion are recommended again: " + u1);
            }
        } finally {
            job.cancel().get();
        }
    }

    private static List<String> itemIds(Prediction p) {
        return p.items.stream().map(i -> i.itemId).toList();
    }
}
