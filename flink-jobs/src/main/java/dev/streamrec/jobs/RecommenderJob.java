package dev.streamrec.jobs;

import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.eval.ChampionComparisonFunction;
import dev.streamrec.jobs.eval.EvalAggregationFunction;
import dev.streamrec.jobs.eval.EvalCombiner;
import dev.streamrec.jobs.eval.EvalRecord;
import dev.streamrec.jobs.eval.EvalSegment;
import dev.streamrec.jobs.eval.PrequentialEvaluationFunction;
import dev.streamrec.jobs.functions.FailOnceFunction;
import dev.streamrec.jobs.functions.ParseControlFunction;
import dev.streamrec.jobs.functions.ParseDeletionFunction;
import dev.streamrec.jobs.functions.ParseInteractionFunction;
import dev.streamrec.jobs.functions.UserSequenceFunction;
import dev.streamrec.jobs.scoring.ArtifactAllowList;
import dev.streamrec.jobs.scoring.ControlMessage;
import dev.streamrec.jobs.scoring.RecommenderFactory;
import dev.streamrec.jobs.scoring.ScoredEvent;
import dev.streamrec.jobs.scoring.ScoringOperator;
import dev.streamrec.jobs.scoring.ScoringRequest;
import dev.streamrec.jobs.state.RocksDbTuning;
import dev.streamrec.jobs.sources.RawRecord;
import dev.streamrec.schema.event.DeadLetter;
import dev.streamrec.schema.event.EvalMetrics;
import dev.streamrec.schema.event.InteractionEvent;
import dev.streamrec.schema.event.UserDeletion;
import dev.streamrec.schema.event.UserDeletionConfirmation;
import dev.streamrec.schema.serde.ValidationPolicy;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Clock;

/**
 * The recommender job: interactions from Kafka, parsed (bad input to dead letters), keyed by user
 * into a bounded sequence on RocksDB, scored by every configured model (micro-batched; item
 * features and model updates broadcast to every scoring subtask for new items and hot swaps; with
 * several subtasks, what each one's users add to shared counts goes to the others through Kafka), predictions
 * to Kafka, and every prediction scored against the user's next event (prequential evaluation) into
 * windowed and running metrics. A user's deletion (its own source, keyed by user) travels in order
 * with the user's events through every operator keeping state of the user (sequence, scoring,
 * evaluation), each dropping it, and the last writes one confirmation. Only wiring lives here: the job takes its sources and sinks as a
 * {@link JobIo} (Kafka in a deployment, {@link #onKafka}; in memory in a test).
 */
public final class RecommenderJob {

    private final Configuration conf;
    private final JobIo io;

    /** The job of {@code conf}, reading and writing through {@code io}. */
    public RecommenderJob(Configuration conf, JobIo io) {
        this.conf = conf;
        this.io = io;
    }

    /** The job of {@code conf} on Kafka: the topics, group and delivery guarantee it configures. */
    public static RecommenderJob onKafka(Configuration conf) {
        return new RecommenderJob(conf, new KafkaJobIo(conf));
    }

    /** Adds the whole pipeline to the environment (checkpointing and state backend set by the caller). */
    public void build(StreamExecutionEnvironment env) {
        ValidationPolicy policy = ValidationPolicy.defaults()
                .withMaxPayloadBytes(conf.get(JobOptions.MAX_PAYLOAD_BYTES))
                .withMaxFutureSkew(conf.get(JobOptions.MAX_FUTURE_SKEW))
                .withClock(Clock.systemUTC());

        SingleOutputStreamOperator<InteractionEvent> events = env
                .fromSource(io.interactions(), WatermarkStrategy.<RawRecord>noWatermarks(), "interactions")
                .uid("interactions-source")
                .process(new ParseInteractionFunction(policy))
                .uid("parse-interactions")
                .name("parse-interactions");

        DataStream<DeadLetter> deadLetters = events.getSideOutput(ParseInteractionFunction.DEAD_LETTERS);
        deadLetters
                .sinkTo(io.deadLetters("events"))
                .uid("dead-letters-sink")
                .name("dead-letters-sink");

        SingleOutputStreamOperator<UserDeletion> deletions = env
                .fromSource(io.userDeletions(), WatermarkStrategy.<RawRecord>noWatermarks(), "user-deletions")
                .uid("user-deletions-source")
                .setParallelism(1)
                .process(new ParseDeletionFunction(policy))
                .uid("parse-user-deletions")
                .name("parse-user-deletions")
                .setParallelism(1);
        deletions.getSideOutput(ParseInteractionFunction.DEAD_LETTERS)
                .sinkTo(io.deadLetters("deletions"))
                .uid("deletions-dead-letters-sink")
                .name("deletions-dead-letters-sink")
                .setParallelism(1);

        // A deletion reaches the sequence operator keyed like the user's events, and from there on
        // travels in their stream: every later operator sees it after the user's earlier events.
        SingleOutputStreamOperator<ScoringRequest> requests = events
                .keyBy(e -> e.userId)
                .connect(deletions.keyBy(d -> d.userId))
                .process(new UserSequenceFunction(conf.get(JobOptions.SEQUENCE_MAX_LENGTH),
                        conf.get(JobOptions.DEDUP_WINDOW), conf.get(JobOptions.STATE_TTL)))
                .uid("user-sequence")
                .name("user-sequence");

        long failAfter = conf.get(JobOptions.CHAOS_FAIL_AFTER);
        if (failAfter > 0) {
            requests = requests.map(new FailOnceFunction<>(failAfter))
                    .returns(ScoringRequest.class)
                    .uid("chaos-fail-once")
                    .name("chaos-fail-once");
        }

        SingleOutputStreamOperator<ControlMessage> control = env
                .fromSource(io.control(), WatermarkStrategy.<RawRecord>noWatermarks(),
                        "item-features+model-updates+shared-counts")
                .uid("control-source")
                .setParallelism(1)
                .process(new ParseControlFunction(conf.get(JobOptions.TOPIC_ITEM_FEATURES),
                        conf.get(JobOptions.TOPIC_SHARED_COUNTS), policy, ArtifactAllowList.from(conf)))
                .uid("parse-control")
                .name("parse-control")
                .setParallelism(1);
        control.getSideOutput(ParseInteractionFunction.DEAD_LETTERS)
                .sinkTo(io.deadLetters("control"))
                .uid("control-dead-letters-sink")
                .name("control-dead-letters-sink")
                .setParallelism(1);

        // Requests leave the keyed sequence operator partitioned by user: reinterpret them as keyed
        // (no shuffle) so that scoring can keep per-user model state (MISSRec's interest working set).
        SingleOutputStreamOperator<ScoredEvent> scored = DataStreamUtils
                .reinterpretAsKeyedStream(requests, r -> r.userId, Types.STRING)
                .connect(control.broadcast())
                .transform("score", TypeInformation.of(ScoredEvent.class),
                        new ScoringOperator(new RecommenderFactory(conf), conf.get(JobOptions.TOP_K),
                                conf.get(JobOptions.EXCLUDE_SEEN), conf.get(JobOptions.BATCH_SIZE),
                                conf.get(JobOptions.BATCH_TIMEOUT).toMillis(), conf.get(JobOptions.STATE_TTL))
                                .keepingUserState(conf.get(JobOptions.USER_STATE))
                                .recountingUserStatesEvery(conf.get(JobOptions.USER_STATE_RECOUNT))
                                .publishingSharedCountsEvery(conf.get(JobOptions.SHARED_COUNTS_INTERVAL))
                                .overlappingInference(conf.get(JobOptions.OVERLAP))
                                .slicingBatches(conf.get(JobOptions.INFERENCE_THREADS), conf.get(JobOptions.DEVICE))
                                .writingProcessingLatency(conf.get(JobOptions.PROCESSING_LATENCY))
                                .withChaosLoadDelay(conf.get(JobOptions.CHAOS_MODEL_LOAD_DELAY).toMillis()))
                .uid("scoring");

        scored.getSideOutput(ScoringOperator.DEAD_LETTERS)
                .sinkTo(io.deadLetters("scoring"))
                .uid("scoring-dead-letters-sink")
                .name("scoring-dead-letters-sink");

        // With several scoring subtasks, each one's users' shared counts reach the others through
        // the shared-counts sink (the control source reads them back): Flink has no iterations.
        scored.getSideOutput(ScoringOperator.SHARED_COUNTS)
                .sinkTo(io.sharedCounts())
                .uid("shared-counts-sink")
                .name("shared-counts-sink");

        scored.filter(ScoredEvent::hasPrediction)
                .uid("predictions-only")
                .name("predictions-only")
                .sinkTo(io.predictions())
                .uid("predictions-sink")
                .name("predictions-sink");

        int topK = conf.get(JobOptions.TOP_K);
        int[] cutoffs = topK >= 20 ? new int[] {10, 20} : new int[] {Math.min(10, topK), topK};
        long evalCut = conf.getOptional(JobOptions.EVAL_CUT).orElse(Long.MAX_VALUE); // none: every test before it
        // Scoring is forward-connected to the keyed user-sequence operator, so its output is still
        // partitioned by user: reinterpret it as keyed instead of shuffling every prediction again.
        SingleOutputStreamOperator<EvalRecord> tests = DataStreamUtils
                .reinterpretAsKeyedStream(scored, ScoredEvent::userId, Types.STRING)
                .process(new PrequentialEvaluationFunction(conf.get(JobOptions.STATE_TTL)))
                .uid("prequential-evaluation")
                .name("prequential-evaluation");
        // The evaluation is the last operator keeping state of a user: it confirms the deletions.
        DataStream<UserDeletionConfirmation> confirmations =
                tests.getSideOutput(PrequentialEvaluationFunction.DELETIONS_CONFIRMED);
        confirmations.sinkTo(io.deletionConfirmations())
                .uid("user-deletions-confirmed-sink")
                .name("user-deletions-confirmed-sink");
        SingleOutputStreamOperator<EvalMetrics> metrics = tests
                .transform("combine-evaluations", TypeInformation.of(EvalSegment.class),
                        new EvalCombiner(cutoffs, conf.get(JobOptions.EVAL_WINDOW).toMillis(),
                                conf.get(JobOptions.EVAL_COMBINE_INTERVAL).toMillis(), EvalCombiner.MAX_TESTS, evalCut))
                .uid("combine-evaluations")
                .keyBy(EvalSegment::modelKey)
                .process(new EvalAggregationFunction(cutoffs, conf.get(JobOptions.EVAL_WINDOW).toMillis(),
                        conf.get(JobOptions.EVAL_EMIT_EVERY), evalCut))
                .uid("eval-aggregation")
                .name("eval-aggregation");
        DataStream<EvalMetrics> comparisons = metrics
                .keyBy(m -> "all")
                .process(new ChampionComparisonFunction(RecommenderFactory.nameOf(conf.get(JobOptions.MODELS).get(0)), conf.get(JobOptions.EVAL_COMPARE_WINDOWS)))
                .uid("champion-comparison")
                .name("champion-comparison");
        metrics.union(comparisons).sinkTo(io.evalMetrics())
                .uid("eval-metrics-sink")
                .name("eval-metrics-sink");
    }

    private static String tempCheckpointDir() {
        try {
            return java.nio.file.Files.createTempDirectory("streamrec-checkpoints-").toUri().toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("no checkpoint.dir configured and no temp directory", e);
        }
    }

    /**
     * The runtime settings every deployment of this job shares, as Flink configuration: RocksDB
     * state (incremental checkpoints, bloom filters and {@link RocksDbTuning} unless configured), checkpointing with the configured interval and mode,
     * buffer timeout, parallelism, POJO-only types (no silent Kryo fallback), object reuse, a bounded restart
     * strategy. Pass it to the environment the job runs in.
     */
    public static Configuration runtimeConfiguration(Configuration conf) {
        boolean exactlyOnce = conf.get(JobOptions.DELIVERY) == JobOptions.DeliveryGuarantee.EXACTLY_ONCE;
        Configuration c = new Configuration(conf);
        c.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        if (!conf.contains(RocksDBConfigurableOptions.USE_BLOOM_FILTER)) {
            // Almost every de-duplication lookup is for an id never seen: without bloom filters each
            // one searches every level; with them the sequence operator's CPU halved at 6,100 users.
            c.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, true);
        }
        if (!conf.contains(RocksDBOptions.OPTIONS_FACTORY)) {
            // Fewer, later level-0 compactions at low CPU priority: see RocksDbTuning.
            c.set(RocksDBOptions.OPTIONS_FACTORY, RocksDbTuning.class.getName());
        }
        c.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        c.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                conf.getOptional(JobOptions.CHECKPOINT_DIR).orElseGet(RecommenderJob::tempCheckpointDir));
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, conf.get(JobOptions.CHECKPOINT_INTERVAL));
        c.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE,
                exactlyOnce ? CheckpointingMode.EXACTLY_ONCE : CheckpointingMode.AT_LEAST_ONCE);
        c.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        c.set(ExecutionOptions.BUFFER_TIMEOUT, conf.get(JobOptions.BUFFER_TIMEOUT));
        c.set(CoreOptions.DEFAULT_PARALLELISM, conf.get(JobOptions.PARALLELISM));
        c.set(PipelineOptions.GENERIC_TYPES, false);
        // No function mutates its input or keeps a reference to it after emitting: chained
        // operators may pass records without a defensive copy.
        c.set(PipelineOptions.OBJECT_REUSE, true);
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 10);
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, java.time.Duration.ofSeconds(1));
        return c;
    }
}
