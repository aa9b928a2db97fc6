package dev.streamrec.jobs;

import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.kafka.EmbeddedKafkaBroker;
import dev.streamrec.jobs.testutil.KafkaTestClient;
import dev.streamrec.jobs.testutil.TestJobs;
import dev.streamrec.schema.Topics;
import dev.streamrec.schema.event.DeadLetter;
import dev.streamrec.schema.event.EvalMetrics;
import dev.streamrec.schema.event.Prediction;
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
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The recommender job end to end through the real in-JVM KRaft broker and a Flink MiniCluster with
 * RocksDB and checkpoints: every accepted event gets exactly one prediction per model (read through
 * a read_committed consumer), every bad input becomes a dead letter and the job keeps running.
 */
class RecommenderJobITCase {

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start();
        broker.createTopics(2, TestJobs.ALL_TOPICS);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    /** The corpus of bad inputs: each must become exactly one dead letter. */
    static List<byte[]> badInputs() {
        List<byte[]> bad = new ArrayList<>();
        for (String s : new String[] {
            "not json",
            "{\"userId\":\"u1\",\"itemId\":\"i1\",\"timestamp\":1000,\"type\":\"view\"",
            "{\"itemId\":\"i1\",\"timestamp\":1000,\"type\":\"view\"}",
            "{\"userId\":\"u1\",\"timestamp\":1000,\"type\":\"view\"}",
            "{\"userId\":5,\"itemId\":\"i1\",\"timestamp\":1000,\"type\":\"view\"}",
            "{\"userId\":\"u1\",\"itemId\":\"i1\",\"timestamp\":\"soon\",\"type\":\"view\"}",
            "{\"userId\":\"u1\",\"itemId\":\"i1\",\"timestamp\":1000,\"type\":\"teleport\"}",
            "{\"userId\":\"u1\",\"itemId\":\"i1\",\"timestamp\":1000,\"type\":\"view\",\"extra\":1}",
            "{\"userId\":\"u1\",\"itemId\":\"i1\",\"timestamp\":-1,\"type\":\"view\"}",
            "{\"userId\":\"u1\",\"itemId\":\"i1\",\"timestamp\":99999999999999,\"type\":\"view\"}",
            "[]",
            ""
        }) {
            bad.add(s.getBytes(StandardCharsets.UTF_8));
        }
        byte[] huge = new byte[1024 * 1024];
        Arrays.fill(huge, (byte) 'a');
        bad.add(huge);
        bad.add(new byte[] {'{', '"', 'u', (byte) 0xC3, (byte) 0x28, '"', '}'});
        return bad;
    }

    @Test
    void shouldPredictEveryAcceptedEventExactlyOnceAndDeadLetterBadInput(@TempDir Path tmp) throws Exception {
        Configuration conf = TestJobs.config(broker, tmp);
        conf.set(JobOptions.SEQUENCE_MAX_LENGTH, 5);
        JobClient job = TestJobs.start(conf);
        KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers());
        EventCodec codec = new EventCodec();
        try {
            List<String> keys = new ArrayList<>();
            List<byte[]> values = new ArrayList<>();
            Set<String> accepted = new HashSet<>();
            int n = 0;
            for (int round = 0; round < 20; round++) {
                for (int u = 0; u < 10; u++) {
                    String id = "e" + n;
                    keys.add("u" + u);
                    values.add(TestJobs.event(id, "u" + u, "i" + ((u + round) % 15), 1_000_000L + n * 1000L));
                    accepted.add(id);
                    n++;
                }
            }
            // A repeated event id is ignored.
            keys.add("u0");
            values.add(TestJobs.event("e0", "u0", "i99", 1_000_000L));
            List<byte[]> bad = badInputs();
            for (byte[] b : bad) {
                keys.add("u1");
                values.add(b);
            }
            kafka.produce(Topics.INTERACTIONS, keys, values);
            // Bad control messages are dead letters too.
            kafka.produce(Topics.ITEM_FEATURES, List.of("i1"),
                    List.of("{\"itemId\":\"i1\",\"modalities\":{\"title\":\"oops\"}}".getBytes(StandardCharsets.UTF_8)));
            kafka.produce(Topics.MODEL_UPDATES, List.of("m"),
                    List.of("{\"model\":\"popularity\",\"action\":\"explode\"}".getBytes(StandardCharsets.UTF_8)));
            int deadExpected = bad.size() + 2;

            int models = conf.get(JobOptions.MODELS).size();
            List<ConsumerRecord<byte[], byte[]>> preds = kafka.readUntil(Topics.PREDICTIONS,
                    r -> r.size() >= accepted.size() * models, Duration.ofSeconds(90));
            List<ConsumerRecord<byte[], byte[]>> dead = kafka.readUntil(Topics.DEAD_LETTERS,
                    r -> r.size() >= deadExpected, Duration.ofSeconds(30));

            Map<String, Integer> perEventAndModel = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : preds) {
                Prediction p = codec.decodePrediction(r.value());
                assertEquals(p.userId, new String(r.key(), StandardCharsets.UTF_8));
                int seq = Integer.parseInt(p.eventId.substring(1));
                // Once the stream is warm (micro-batches of 64 learn after answering), every model recommends.
                assertFalse(seq >= 190 && p.items.isEmpty(), "empty prediction for " + p.eventId);
                assertTrue(p.items.size() <= conf.get(JobOptions.TOP_K));
                perEventAndModel.merge(p.eventId + "/" + p.model, 1, Integer::sum);
            }
            assertEquals(accepted.size() * models, perEventAndModel.size());
            perEventAndModel.forEach((k, c) -> assertEquals(1, c, "predictions for " + k));

            assertEquals(deadExpected, dead.size());
            Set<String> reasons = new HashSet<>();
            Map<String, Integer> byTopic = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : dead) {
                DeadLetter d = codec.decodeDeadLetter(r.value());
                byTopic.merge(d.topic, 1, Integer::sum);
                assertFalse(d.reason.isBlank());
                reasons.add(d.reason.split(":")[0]);
            }
            assertTrue(reasons.size() >= 6, "distinct reasons: " + reasons);
            assertEquals(Map.of(Topics.INTERACTIONS, bad.size(), Topics.ITEM_FEATURES, 1, Topics.MODEL_UPDATES, 1), byTopic);

            // The job kept running: a later valid event is still predicted.
            kafka.produce(Topics.INTERACTIONS, List.of("u3"), List.of(TestJobs.event("late-1", "u3", "i1", 9_000_000L)));
            List<ConsumerRecord<byte[], byte[]>> more = kafka.readUntil(Topics.PREDICTIONS,
                    r -> r.stream().anyMatch(x -> codec.decodePrediction(x.value()).eventId.equals("late-1")),
                    Duration.ofSeconds(60));
            assertTrue(more.stream().anyMatch(x -> codec.decodePrediction(x.value()).eventId.equals("late-1")));

            List<ConsumerRecord<byte[], byte[]>> metrics = kafka.readUntil(Topics.EVAL_METRICS,
                    r -> r.stream().map(x -> codec.decodeEvalMetrics(x.value()).model).distinct().count() >= models,
                    Duration.ofSeconds(30));
            EvalMetrics last = codec.decodeEvalMetrics(metrics.get(metrics.size() - 1).value());
            assertTrue(last.metrics.containsKey("NDCG@10"), last.metrics.toString());
            assertTrue(last.count > 0);
        } finally {
            job.cancel().get();
        }
    }
}
