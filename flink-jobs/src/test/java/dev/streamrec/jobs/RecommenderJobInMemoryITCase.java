package dev.streamrec.jobs;

import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.scoring.ScoredEvent;
import dev.streamrec.jobs.sources.RawRecord;
import dev.streamrec.jobs.testutil.CollectingSink;
import dev.streamrec.jobs.testutil.InMemorySources;
import dev.streamrec.jobs.testutil.TestJobs;
import dev.streamrec.schema.event.DeadLetter;
import dev.streamrec.schema.event.EvalMetrics;
import dev.streamrec.schema.event.SharedCounts;
import dev.streamrec.schema.event.UserDeletionConfirmation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole recommender job on a MiniCluster (RocksDB, checkpoints) with in-memory sources and
 * collecting sinks instead of Kafka: every accepted event gets one prediction per model, bad input
 * on any source becomes a dead letter, the evaluation reports metrics, and a deletion request is
 * confirmed once (and never reaches the predictions).
 */
class RecommenderJobInMemoryITCase {

    /** The job's sources and sinks in memory. */
    private static final class InMemoryIo implements JobIo {
        final List<byte[]> interactions;
        final List<byte[]> control;
        final String controlTopic;
        final Map<String, CollectingSink<DeadLetter>> deadLetters = new TreeMap<>();
        final CollectingSink<ScoredEvent> predictions = new CollectingSink<>();
        final CollectingSink<SharedCounts> sharedCounts = new CollectingSink<>();
        final CollectingSink<EvalMetrics> evalMetrics = new CollectingSink<>();
        final CollectingSink<UserDeletionConfirmation> confirmations = new CollectingSink<>();
        final List<byte[]> deletions = new ArrayList<>();
        private final String interactionsTopic;

        InMemoryIo(String interactionsTopic, List<byte[]> interactions, String controlTopic, List<byte[]> control) {
            this.interactionsTopic = interactionsTopic;
            this.interactions = interactions;
            this.controlTopic = controlTopic;
            this.control = control;
        }

        @Override
        public Source<RawRecord, ?, ?> interactions() {
            return InMemorySources.rawRecords(interactionsTopic, interactions);
        }

        @Override
        public Source<RawRecord, ?, ?> control() {
            return InMemorySources.rawRecords(controlTopic, control);
        }

        @Override
        public Source<RawRecord, ?, ?> userDeletions() {
            return InMemorySources.rawRecords("user-deletions", deletions);
        }

        @Override
        public Sink<UserDeletionConfirmation> deletionConfirmations() {
            return confirmations;
        }

        @Override
        public Sink<DeadLetter> deadLetters(String stage) {
            return deadLetters.computeIfAbsent(stage, s -> new CollectingSink<>());
        }

        @Override
        public Sink<ScoredEvent> predictions() {
            return predictions;
        }

        @Override
        public Sink<SharedCounts> sharedCounts() {
            return sharedCounts;
        }

        @Override
        public Sink<EvalMetrics> evalMetrics() {
            return evalMetrics;
        }
    }

    @Test
    void shouldAnswerEveryEventWithoutABroker(@TempDir Path tmp) throws Exception {
        Configuration conf = new Configuration();
        conf.set(JobOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(300));
        conf.set(JobOptions.CHECKPOINT_DIR, tmp.resolve("checkpoints").toUri().toString());
        conf.set(JobOptions.EVAL_EMIT_EVERY, 10);
        List<String> models = conf.get(JobOptions.MODELS);

        List<byte[]> interactions = new ArrayList<>();
        int events = 0;
        for (int i = 0; i < 60; i++) {
            interactions.add(TestJobs.event("e" + i, "u" + (i % 5), "i" + (i % 7), 10_000L + i * 1_000L));
            events++;
        }
        interactions.add(30, "not json".getBytes(StandardCharsets.UTF_8));
        List<byte[]> control = List.of("{\"neither\":\"features\"}".getBytes(StandardCharsets.UTF_8));
        InMemoryIo io = new InMemoryIo(conf.get(JobOptions.TOPIC_INTERACTIONS), interactions,
                conf.get(JobOptions.TOPIC_ITEM_FEATURES), control);
        io.deletions.add("{\"requestId\":\"r1\",\"userId\":\"u3\",\"requestedAt\":1000}".getBytes(StandardCharsets.UTF_8));
        io.deletions.add("{\"userId\":\"u4\"}".getBytes(StandardCharsets.UTF_8));

        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(RecommenderJob.runtimeConfiguration(conf));
        new RecommenderJob(conf, io).build(env);
        env.execute("streamrec-in-memory-test");

        Map<String, Integer> perEventAndModel = new TreeMap<>();
        for (ScoredEvent s : io.predictions.received()) {
            perEventAndModel.merge(s.prediction.eventId + "/" + s.prediction.model, 1, Integer::sum);
        }
        assertEquals(events * models.size(), perEventAndModel.size(), "one prediction per event and model");
        assertTrue(perEventAndModel.values().stream().allMatch(n -> n == 1), "no event answered twice");
        assertEquals(1, io.deadLetters.get("events").received().size(), "the bad interaction");
        assertEquals(1, io.deadLetters.get("control").received().size(), "the bad control record");
        assertEquals(0, io.deadLetters.get("scoring").received().size());
        assertFalse(io.evalMetrics.received().isEmpty(), "evaluation metrics");
        assertEquals(1, io.deadLetters.get("deletions").received().size(), "the bad deletion request");
        assertEquals(1, io.confirmations.received().size(), "one confirmation per request");
        assertEquals("r1", io.confirmations.received().get(0).requestId);
        assertEquals("u3", io.confirmations.received().get(0).userId);
    }
}
