package dev.streamrec.jobs.config;

import dev.streamrec.schema.Topics;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

import java.time.Duration;
import java.util.List;

/**
 * Every setting of the recommender job, typed, with its default and meaning: the one place defaults
 * live. Files in {@code config/} and command-line overrides only change values.
 */
public final class JobOptions {

    private JobOptions() {}

    // ---------------------------------------------------------------- Kafka
    // Any Kafka client config (security.protocol, sasl.*, ssl.*) is given as kafka.properties.<config>
    // and reaches every client of the job and its tools: KafkaClientProperties.

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            ConfigOptions.key("kafka.bootstrap-servers").stringType().defaultValue("localhost:9092")
                    .withDescription("Kafka bootstrap servers.");

    public static final ConfigOption<String> GROUP_ID =
            ConfigOptions.key("kafka.group-id").stringType().defaultValue("streamrec")
                    .withDescription("Consumer group of the interactions source (offsets are also kept in checkpoints).");

    public static final ConfigOption<String> TOPIC_INTERACTIONS =
            ConfigOptions.key("topics.interactions").stringType().defaultValue(Topics.INTERACTIONS)
                    .withDescription("Input topic of interaction events.");

    public static final ConfigOption<String> TOPIC_ITEM_FEATURES =
            ConfigOptions.key("topics.item-features").stringType().defaultValue(Topics.ITEM_FEATURES)
                    .withDescription("Input topic of item side information.");

    public static final ConfigOption<String> TOPIC_PREDICTIONS =
            ConfigOptions.key("topics.predictions").stringType().defaultValue(Topics.PREDICTIONS)
                    .withDescription("Output topic of top-K predictions.");

    public static final ConfigOption<String> TOPIC_DEAD_LETTERS =
            ConfigOptions.key("topics.dead-letters").stringType().defaultValue(Topics.DEAD_LETTERS)
                    .withDescription("Output topic of rejected input with its reason.");

    public static final ConfigOption<String> TOPIC_EVAL_METRICS =
            ConfigOptions.key("topics.eval-metrics").stringType().defaultValue(Topics.EVAL_METRICS)
                    .withDescription("Output topic of prequential evaluation aggregates.");

    public static final ConfigOption<String> TOPIC_MODEL_UPDATES =
            ConfigOptions.key("topics.model-updates").stringType().defaultValue(Topics.MODEL_UPDATES)
                    .withDescription("Topic of model version announcements.");

    public static final ConfigOption<String> TOPIC_SHARED_COUNTS =
            ConfigOptions.key("topics.shared-counts").stringType().defaultValue(Topics.SHARED_COUNTS)
                    .withDescription("Topic on which scoring subtasks tell each other what their users add to a "
                            + "model's shared counts (BM3's item degrees); written and read by the job itself.");

    public static final ConfigOption<String> TOPIC_USER_DELETIONS =
            ConfigOptions.key("topics.user-deletions").stringType().defaultValue(Topics.USER_DELETIONS)
                    .withDescription("Input topic of requests to forget a user (privacy requests).");

    public static final ConfigOption<String> TOPIC_USER_DELETIONS_CONFIRMED =
            ConfigOptions.key("topics.user-deletions-confirmed").stringType()
                    .defaultValue(Topics.USER_DELETIONS_CONFIRMED)
                    .withDescription("Output topic of one confirmation per deletion request, written once the "
                            + "job dropped the user's state.");

    public static final ConfigOption<Integer> TOPIC_PARTITIONS =
            ConfigOptions.key("topics.partitions").intType().defaultValue(2)
                    .withDescription("Partitions of each topic when the local mode creates them.");

    public static final ConfigOption<DeliveryGuarantee> DELIVERY =
            ConfigOptions.key("delivery.guarantee").enumType(DeliveryGuarantee.class)
                    .defaultValue(DeliveryGuarantee.EXACTLY_ONCE)
                    .withDescription("EXACTLY_ONCE: transactional sinks, output visible to read_committed "
                            + "consumers when a checkpoint completes (latency ~ the checkpoint interval). "
                            + "AT_LEAST_ONCE: output visible at once (latency ~ the buffer timeout); after a "
                            + "failure some predictions may be written twice, with the same eventId, so "
                            + "consumers de-duplicate on (eventId, model).");

    public static final ConfigOption<Duration> SINK_LINGER =
            ConfigOptions.key("kafka.sink.linger").durationType().defaultValue(Duration.ofMillis(20))
                    .withDescription("linger.ms of the sinks' producers: how long a batch waits for more "
                            + "records. Larger batches mean fewer produce requests for the broker to handle; "
                            + "the wait adds at most this much latency in at-least-once mode. The 20-ms default "
                            + "favours throughput at small micro-batches, which send many small prediction batches; "
                            + "5 ms trades some of it for a lower p99 (measured in docs/performance-history.md).");

    public static final ConfigOption<MemorySize> SINK_BATCH_SIZE =
            ConfigOptions.key("kafka.sink.batch-size").memoryType().defaultValue(MemorySize.parse("256kb"))
                    .withDescription("batch.size of the sinks' producers (per partition).");

    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT =
            ConfigOptions.key("kafka.transaction-timeout").durationType().defaultValue(Duration.ofMinutes(10))
                    .withDescription("transaction.timeout.ms of the exactly-once sinks; must stay below the "
                            + "broker's transaction.max.timeout.ms (15 min by default) and above the "
                            + "checkpoint interval plus the longest expected restart.");

    public static final ConfigOption<Integer> MAX_PAYLOAD_BYTES =
            ConfigOptions.key("validation.max-payload-bytes").intType().defaultValue(64 * 1024)
                    .withDescription("Larger interaction payloads are dead-lettered.");

    public static final ConfigOption<Duration> MAX_FUTURE_SKEW =
            ConfigOptions.key("validation.max-future-skew").durationType().defaultValue(Duration.ofDays(1))
                    .withDescription("Events stamped further ahead of the wall clock are dead-lettered.");

    // ---------------------------------------------------------------- runtime

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            ConfigOptions.key("checkpoint.interval").durationType().defaultValue(Duration.ofSeconds(10))
                    .withDescription("Checkpoint interval; bounds how soon exactly-once output becomes visible.");

    public static final ConfigOption<String> CHECKPOINT_DIR =
            ConfigOptions.key("checkpoint.dir").stringType().noDefaultValue()
                    .withDescription("Checkpoint storage URI (file://, s3://, ...). Unset: a temp directory.");

    public static final ConfigOption<Integer> PARALLELISM =
            ConfigOptions.key("job.parallelism").intType().defaultValue(1)
                    .withDescription("Parallelism of the job's operators.");

    public static final ConfigOption<Duration> BUFFER_TIMEOUT =
            ConfigOptions.key("job.buffer-timeout").durationType().defaultValue(Duration.ofMillis(5))
                    .withDescription("Network buffer timeout: the floor of at-least-once latency.");

    // ---------------------------------------------------------------- sequence state

    public static final ConfigOption<Integer> SEQUENCE_MAX_LENGTH =
            ConfigOptions.key("sequence.max-length").intType().defaultValue(50)
                    .withDescription("Most recent items kept per user.");

    public static final ConfigOption<Duration> STATE_TTL =
            ConfigOptions.key("sequence.state-ttl").durationType().defaultValue(Duration.ofDays(30))
                    .withDescription("Users idle longer than this lose their state (and their de-duplication window).");

    public static final ConfigOption<Integer> DEDUP_WINDOW =
            ConfigOptions.key("sequence.dedup-window").intType().defaultValue(1000)
                    .withDescription("Most recent event ids remembered per user to ignore repeats (at least this many; they are forgotten in chunks of a sixteenth, so at most that much more).");

    public static final ConfigOption<Integer> ROCKSDB_LEVEL0_COMPACTION_TRIGGER =
            ConfigOptions.key("state.rocksdb.level0-compaction-trigger").intType().defaultValue(16)
                    .withDescription("Level-0 files (one per memtable flush, so at least one per checkpoint) "
                            + "that start a compaction into level 1. RocksDB's default is 4; the write slowdown "
                            + "and stop triggers are set to 2.5x and 4x this.");

    public static final ConfigOption<Boolean> ROCKSDB_LOW_PRIORITY_COMPACTION =
            ConfigOptions.key("state.rocksdb.low-priority-compaction").booleanType().defaultValue(true)
                    .withDescription("Run RocksDB's compaction threads at the lowest CPU priority (nice 19), "
                            + "so they use idle cores instead of taking them from scoring. Process-wide: it "
                            + "applies to every RocksDB instance of the task manager.");

    public static final ConfigOption<MemorySize> ROCKSDB_MAX_MANIFEST_SIZE =
            ConfigOptions.key("state.rocksdb.max-manifest-size").memoryType().defaultValue(MemorySize.parse("64kb"))
                    .withDescription("Size at which RocksDB starts a new MANIFEST (its log of file additions and "
                            + "removals) holding only the live files. RocksDB's default never rolls it, so with a "
                            + "flush per checkpoint it grows for as long as the job runs, on disk and in every "
                            + "incremental checkpoint, which uploads it whole.");

    public static final ConfigOption<MemorySize> LOCAL_MANAGED_MEMORY =
            ConfigOptions.key("local.managed-memory").memoryType().defaultValue(MemorySize.parse("512m"))
                    .withDescription("Managed memory of the embedded MiniCluster (local mode and benchmarks), "
                            + "which RocksDB takes for its block cache and write buffers; Flink's own "
                            + "taskmanager.memory.managed.size wins when set. Flink's local default of 128 MB "
                            + "is outgrown by ~60 MB of state (about 8,000 MovieLens users): each event's "
                            + "reads then decompress blocks, which multiplies the sequence operator's cost "
                            + "per event (docs/performance-history.md). A limit, not an allocation: small state "
                            + "uses little. A real cluster sizes it in its own configuration.");

    // ---------------------------------------------------------------- scoring

    public static final ConfigOption<List<String>> MODELS =
            ConfigOptions.key("models").stringType().asList().defaultValues("popularity", "cooccurrence")
                    .withDescription("Models that score the stream side by side; the first is the champion. "
                            + "Baselines: popularity, cooccurrence. Trained models come from artifacts.");

    public static final ConfigOption<List<String>> ARTIFACTS =
            ConfigOptions.key("models.artifacts").stringType().asList().noDefaultValue()
                    .withDescription("Model artifact directories (one per trained model in 'models').");

    public static final ConfigOption<List<String>> ARTIFACT_ALLOWED_LOCATIONS =
            ConfigOptions.key("models.artifact-allowed-locations").stringType().asList().noDefaultValue()
                    .withDescription("Where a model update on topics.model-updates may point: directory URIs or "
                            + "paths (file:/models/, s3://bucket/models/); an update whose artifact lies elsewhere "
                            + "is dead-lettered and the served model stays. A location is inside a directory when "
                            + "its scheme and host match and its path lies below it, with no '.' or '..' segment. "
                            + "Unset: the directories that hold the models.artifacts (a job started from "
                            + "<store>/sasrec/v1 takes <store>/sasrec/<version>, the model store's layout), "
                            + "nothing else; a job without trained artifacts takes no update.");

    public static final ConfigOption<String> DEVICE =
            ConfigOptions.key("models.device").stringType().defaultValue("cpu")
                    .withDescription("Device of the trained models: cpu or cuda:N.");

    public static final ConfigOption<Integer> TOP_K =
            ConfigOptions.key("recommend.top-k").intType().defaultValue(20)
                    .withDescription("Items per prediction (also the deepest evaluation cut-off).");

    public static final ConfigOption<Boolean> USER_STATE =
            ConfigOptions.key("scoring.user-state").booleanType().defaultValue(true)
                    .withDescription("Keep the per-user state models ask for (MISSRec's interest working set, BM3's "
                            + "observed edges) in RocksDB between events; false recomputes it from the history "
                            + "on every event (BM3 then counts only the items the sequence still holds).");

    public static final ConfigOption<Duration> USER_STATE_RECOUNT =
            ConfigOptions.key("scoring.user-state-recount").durationType().defaultValue(Duration.ofDays(1))
                    .withDescription("How often a model whose shared state sums its users' stored states (BM3's "
                            + "item degrees) counts them again from the keyed state, so that users whose state "
                            + "expired (sequence.state-ttl) stop counting; the task pauses while it reads every "
                            + "stored user (the cost per user is in docs/performance-history.md). "
                            + "0 = only after a restore.");

    public static final ConfigOption<Duration> SHARED_COUNTS_INTERVAL =
            ConfigOptions.key("scoring.shared-counts-interval").durationType().defaultValue(Duration.ofSeconds(1))
                    .withDescription("With several scoring subtasks: how often each one publishes what its users "
                            + "changed in a model's shared counts (BM3's item degrees) to topics.shared-counts, "
                            + "besides at every checkpoint, so that every subtask counts every user's edges "
                            + "(at least once: the counts are absolute). 0 = only at checkpoints.");

    public static final ConfigOption<Boolean> OVERLAP =
            ConfigOptions.key("scoring.overlap").booleanType().defaultValue(true)
                    .withDescription("Score a micro-batch on a separate inference thread while the task thread "
                            + "updates the sequences, fills the next batch and emits the previous one; false "
                            + "scores on the task thread (one thing at a time).");

    public static final ConfigOption<Integer> INFERENCE_THREADS =
            ConfigOptions.key("scoring.inference-threads").intType().defaultValue(0)
                    .withDescription("Threads that score one micro-batch together, each on its own slice with one "
                            + "libtorch intra-op thread (models that allow it: the KDSR encoders). On CPUs shared "
                            + "with the stream this beats one forward pass whose operators fork and join across "
                            + "all cores. 0 (auto): on a CPU device the task manager's cores per slot, on a GPU 1. "
                            + "1 scores the whole batch in one call with libtorch's own threads.");

    public static final ConfigOption<Boolean> EXCLUDE_SEEN =
            ConfigOptions.key("recommend.exclude-seen").booleanType().defaultValue(true)
                    .withDescription("Exclude the items in the user's recent sequence from predictions.");

    public static final ConfigOption<Boolean> INCREMENTAL_INFERENCE =
            ConfigOptions.key("scoring.incremental-inference").booleanType().defaultValue(false)
                    .withDescription("Serve trained models with incremental inference where their family has it "
                            + "(GRU4Rec backbones; SASRec backbones trained with --positions rotary): each user's "
                            + "GRU state, or SASRec key/value cache, is kept in the keyed state and an event "
                            + "runs one recurrent step, or one new position against the cache, from it, so the "
                            + "cost no longer grows with the history (beyond SASRec's attention over its L-1 "
                            + "cached positions) and the scores follow the user's whole history, not only the last "
                            + "sequence.max-length events. A missing state, or one of another model version, "
                            + "starts over from the events the request carries. SASRec with learned positions "
                            + "is served as without the option.");

    public static final ConfigOption<Integer> BATCH_SIZE =
            ConfigOptions.key("scoring.batch-size").intType().defaultValue(64)
                    .withDescription("Micro-batch: at most this many events per forward pass.");

    public static final ConfigOption<Duration> BATCH_TIMEOUT =
            ConfigOptions.key("scoring.batch-timeout").durationType().defaultValue(Duration.ofMillis(5))
                    .withDescription("Micro-batch: flush after this long even when not full.");

    public static final ConfigOption<Boolean> PROCESSING_LATENCY =
            ConfigOptions.key("predictions.processing-latency").booleanType().defaultValue(false)
                    .withDescription("Also write processingMs into every prediction: the time from the job's source "
                            + "reading the event to the prediction's emit, i.e. latencyMs without the time the event "
                            + "waited in Kafka (a backlog). An optional field of the v1 prediction schema; off by "
                            + "default because readers holding an older copy of that schema (additionalProperties: "
                            + "false) would reject it. Local mode turns it on.");

    public static final ConfigOption<Duration> POPULARITY_HALF_LIFE =
            ConfigOptions.key("baseline.half-life").durationType().defaultValue(Duration.ofDays(30))
                    .withDescription("Event-time half-life of the popularity and co-occurrence counts.");

    public static final ConfigOption<Integer> COOCCURRENCE_WINDOW =
            ConfigOptions.key("baseline.cooccurrence.window").intType().defaultValue(3)
                    .withDescription("Previous items linked to each new item (weights 1/distance).");

    public static final ConfigOption<Integer> COOCCURRENCE_NEIGHBOURS =
            ConfigOptions.key("baseline.cooccurrence.max-neighbours").intType().defaultValue(200)
                    .withDescription("Neighbours kept per item.");

    // ---------------------------------------------------------------- evaluation

    public static final ConfigOption<Duration> EVAL_WINDOW =
            ConfigOptions.key("eval.window").durationType().defaultValue(Duration.ofDays(30))
                    .withDescription("Event-time window of the per-window evaluation aggregates.");

    public static final ConfigOption<Integer> EVAL_EMIT_EVERY =
            ConfigOptions.key("eval.emit-every").intType().defaultValue(2000)
                    .withDescription("Emit the running aggregate after this many evaluated events (and at least every second).");

    public static final ConfigOption<Duration> EVAL_COMBINE_INTERVAL =
            ConfigOptions.key("eval.combine-interval").durationType().defaultValue(Duration.ofMillis(200))
                    .withDescription("How long a scoring subtask combines its prequential tests per model version and "
                            + "window before sending them to the aggregation (at most 1,000 tests; always before a "
                            + "checkpoint barrier). 0 sends every test on its own.");

    public static final ConfigOption<Long> EVAL_CUT =
            ConfigOptions.key("eval.cut").longType().noDefaultValue()
                    .withDescription("Event time (epoch ms) of a training cut: besides the running totals, the "
                            + "evaluation totals the tests of the events at or after it and emits them as scope "
                            + "after-cut, the events a model trained before the cut has never seen. Local mode sets "
                            + "it to its training cut.");

    public static final ConfigOption<Integer> EVAL_COMPARE_WINDOWS =
            ConfigOptions.key("eval.compare-windows").intType().defaultValue(100)
                    .withDescription("Champion vs challenger: the paired test uses the last this many common windows.");

    // ---------------------------------------------------------------- chaos testing

    public static final ConfigOption<Long> CHAOS_FAIL_AFTER =
            ConfigOptions.key("chaos.fail-once-after-events").longType().defaultValue(0L)
                    .withDescription("Testing only: fail the scoring path once after this many events per "
                            + "subtask (0 = off) to exercise restart from checkpoint.");

    public static final ConfigOption<Duration> CHAOS_MODEL_LOAD_DELAY =
            ConfigOptions.key("chaos.model-load-delay").durationType().defaultValue(Duration.ZERO)
                    .withDescription("Testing only: in the first execution attempt, hot-swap loads wait this "
                            + "long before loading (0 = off), so a failure can land while a load is in flight.");

    /** Keys of list-valued options: written comma-separated in files and on the command line. */
    public static final java.util.Set<String> LIST_KEYS =
            java.util.Set.of(MODELS.key(), ARTIFACTS.key(), ARTIFACT_ALLOWED_LOCATIONS.key());

    /** The names of every topic the job reads or writes, as configured in {@code conf}. */
    public static List<String> topics(org.apache.flink.configuration.Configuration conf) {
        return List.of(conf.get(TOPIC_INTERACTIONS), conf.get(TOPIC_ITEM_FEATURES), conf.get(TOPIC_PREDICTIONS),
                conf.get(TOPIC_DEAD_LETTERS), conf.get(TOPIC_EVAL_METRICS), conf.get(TOPIC_MODEL_UPDATES),
                conf.get(TOPIC_SHARED_COUNTS), conf.get(TOPIC_USER_DELETIONS), conf.get(TOPIC_USER_DELETIONS_CONFIRMED));
    }

    /** The two delivery modes of the sinks. */
    public enum DeliveryGuarantee {
        EXACTLY_ONCE,
        AT_LEAST_ONCE
    }
}
