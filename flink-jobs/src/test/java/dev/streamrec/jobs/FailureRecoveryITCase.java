package dev.streamrec.jobs;

import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.kafka.EmbeddedKafkaBroker;
import dev.streamrec.jobs.testutil.KafkaTestClient;
import dev.streamrec.jobs.testutil.TestJobs;
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

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A failure injected mid-stream (the job restarts from its last checkpoint) loses and duplicates
 * nothing: the committed predictions equal, event for event and score for score, those of a run
 * without the failure over the same input, and so do the final prequential metrics. Equal scores
 * prove that neither the user sequences (RocksDB keyed state) nor the incremental models (operator
 * state) saw an event twice or missed one.
 */
class FailureRecoveryITCase {

    private static final int EVENTS = 1200;
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start();
        broker.createTopics(1, TestJobs.ALL_TOPICS);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private static Configuration run(String name, Path tmp, long failAfter) throws Exception {
        Configuration conf = TestJobs.isolatedConfig(broker, tmp.resolve(name), name);
        conf.set(JobOptions.BATCH_SIZE, 1);
        conf.set(JobOptions.CHAOS_FAIL_AFTER, failAfter);
        JobClient job = TestJobs.start(conf);
        KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers());
        try {
            int half = EVENTS / 2;
            produce(kafka, conf, 0, half);
            // Wait until the first half is committed (a checkpoint completed), then go on.
            kafka.readUntil(conf.get(JobOptions.TOPIC_PREDICTIONS), r -> r.size() >= half * 2, Duration.ofSeconds(60));
            produce(kafka, conf, half, EVENTS);
            kafka.readUntil(conf.get(JobOptions.TOPIC_PREDICTIONS), r -> r.size() >= EVENTS * 2, Duration.ofSeconds(120));
            // Let a few more checkpoints pass so late duplicates would have surfaced.
            Thread.sleep(1500);
        } finally {
            job.cancel().get();
        }
        return conf;
    }

    private static void produce(KafkaTestClient kafka, Configuration conf, int from, int to) {
        List<String> keys = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        for (int i = from; i < to; i++) {
            String user = "u" + (i % 37);
            keys.add(user);
            values.add(TestJobs.event("e" + i, user, "i" + ((i * 7919) % 113), 1_000_000L + i * 1000L));
        }
        kafka.produce(conf.get(JobOptions.TOPIC_INTERACTIONS), keys, values);
    }

    private static Map<String, Prediction> predictions(Configuration conf) {
        EventCodec codec = new EventCodec();
        Map<String, Prediction> out = new HashMap<>();
        List<ConsumerRecord<byte[], byte[]>> records = new KafkaTestClient(broker.bootstrapServers())
                .readFor(conf.get(JobOptions.TOPIC_PREDICTIONS), Duration.ofSeconds(2));
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Prediction p = codec.decodePrediction(r.value());
            Prediction previous = out.put(p.eventId + "/" + p.model, p);
            assertEquals(null, previous, "duplicate prediction for " + p.eventId + "/" + p.model);
        }
        return out;
    }

    private static Map<String, EvalMetrics> finalEval(Configuration conf) {
        EventCodec codec = new EventCodec();
        Map<String, EvalMetrics> latest = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : new KafkaTestClient(broker.bootstrapServers())
                .readFor(conf.get(JobOptions.TOPIC_EVAL_METRICS), Duration.ofSeconds(2))) {
            EvalMetrics m = codec.decodeEvalMetrics(r.value());
            if (m.scope.equals("running")) {
                latest.merge(m.model, m, (a, b) -> b.count >= a.count ? b : a);
            }
        }
        return latest;
    }

    @Test
    void shouldLoseAndDuplicateNothingAcrossARestartFromCheckpoint(@TempDir Path tmp) throws Exception {
        Configuration reference = run("ref", tmp, 0);
        Configuration failed = run("chaos", tmp, EVENTS / 2 + 150);

        Map<String, Prediction> expected = predictions(reference);
        Map<String, Prediction> actual = predictions(failed);
        assertEquals(EVENTS * 2, expected.size());
        assertEquals(expected.keySet(), actual.keySet());
        for (Map.Entry<String, Prediction> e : expected.entrySet()) {
            Prediction a = actual.get(e.getKey());
            assertEquals(e.getValue().items.size(), a.items.size(), e.getKey());
            for (int i = 0; i < a.items.size(); i++) {
                assertEquals(e.getValue().items.get(i).itemId, a.items.get(i).itemId, e.getKey() + " rank " + i);
                assertEquals(e.getValue().items.get(i).score, a.items.get(i).score, 1e-6f, e.getKey());
            }
        }
        Map<String, EvalMetrics> evalRef = finalEval(reference);
        Map<String, EvalMetrics> evalChaos = finalEval(failed);
        assertEquals(2, evalRef.size());
        for (String model : evalRef.keySet()) {
            assertEquals(evalRef.get(model).count, evalChaos.get(model).count, model);
            assertEquals(evalRef.get(model).metrics.get("NDCG@10"), evalChaos.get(model).metrics.get("NDCG@10"), 1e-12);
            assertTrue(evalRef.get(model).count > EVENTS - 40);
        }
    }
}
