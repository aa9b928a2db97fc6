package dev.streamrec.jobs;

import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.scoring.ScoredEvent;
import dev.streamrec.jobs.sinks.KafkaSinks;
import dev.streamrec.jobs.sinks.OutputTopic;
import dev.streamrec.jobs.sources.PerTopicOffsets;
import dev.streamrec.jobs.sources.RawKafkaSource;
import dev.streamrec.jobs.sources.RawRecord;
import dev.streamrec.schema.event.DeadLetter;
import dev.streamrec.schema.event.EvalMetrics;
import dev.streamrec.schema.event.SharedCounts;
import dev.streamrec.schema.event.UserDeletionConfirmation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import java.time.Duration;
import java.util.Map;

/**
 * The job's sources and sinks on Kafka, built from the job options: topics, consumer group,
 * bootstrap servers and the delivery guarantee all sinks share.
 */
public final class KafkaJobIo implements JobIo {

    /** How far before its start a job without a checkpoint reads shared counts (clocks may differ). */
    private static final Duration SHARED_COUNTS_LOOK_BACK = Duration.ofMinutes(10);

    private final Configuration conf;

    public KafkaJobIo(Configuration conf) {
        this.conf = conf;
    }

    @Override
    public Source<RawRecord, ?, ?> interactions() {
        return RawKafkaSource.create(conf, conf.get(JobOptions.GROUP_ID), conf.get(JobOptions.TOPIC_INTERACTIONS));
    }

    /**
     * Item features and model updates from their beginning (the catalogue, every version); a job
     * that starts without a checkpoint needs no earlier shared counts (its subtasks publish theirs
     * whole at once), so those from shortly before its start, not the topic's whole retention.
     */
    @Override
    public Source<RawRecord, ?, ?> control() {
        return RawKafkaSource.create(conf, conf.get(JobOptions.GROUP_ID) + "-control",
                new PerTopicOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST), Map.of(
                        conf.get(JobOptions.TOPIC_SHARED_COUNTS),
                        OffsetsInitializer.timestamp(System.currentTimeMillis() - SHARED_COUNTS_LOOK_BACK.toMillis()))),
                conf.get(JobOptions.TOPIC_ITEM_FEATURES), conf.get(JobOptions.TOPIC_MODEL_UPDATES),
                conf.get(JobOptions.TOPIC_SHARED_COUNTS));
    }

    /** Deletion requests, from the committed offsets (the earliest without): a request is never skipped. */
    @Override
    public Source<RawRecord, ?, ?> userDeletions() {
        return RawKafkaSource.create(conf, conf.get(JobOptions.GROUP_ID) + "-deletions",
                conf.get(JobOptions.TOPIC_USER_DELETIONS));
    }

    @Override
    public Sink<DeadLetter> deadLetters(String stage) {
        return KafkaSinks.create(conf, OutputTopic.deadLetters(conf.get(JobOptions.TOPIC_DEAD_LETTERS)), stage);
    }

    @Override
    public Sink<ScoredEvent> predictions() {
        return KafkaSinks.create(conf, OutputTopic.predictions(conf.get(JobOptions.TOPIC_PREDICTIONS)), "main");
    }

    /**
     * At least once whatever the delivery: absolute counts read twice change nothing, and a restored
     * subtask republishes its key groups whole, replacing what it published after the checkpoint.
     */
    @Override
    public Sink<SharedCounts> sharedCounts() {
        return KafkaSinks.create(conf, OutputTopic.sharedCounts(conf.get(JobOptions.TOPIC_SHARED_COUNTS)), "scoring",
                DeliveryGuarantee.AT_LEAST_ONCE);
    }

    /** Transactional with exactly-once delivery, like the predictions: one confirmation per request. */
    @Override
    public Sink<UserDeletionConfirmation> deletionConfirmations() {
        return KafkaSinks.create(conf, OutputTopic.deletionConfirmations(conf.get(JobOptions.TOPIC_USER_DELETIONS_CONFIRMED)),
                "main");
    }

    @Override
    public Sink<EvalMetrics> evalMetrics() {
        return KafkaSinks.create(conf, OutputTopic.evalMetrics(conf.get(JobOptions.TOPIC_EVAL_METRICS)), "main");
    }
}
