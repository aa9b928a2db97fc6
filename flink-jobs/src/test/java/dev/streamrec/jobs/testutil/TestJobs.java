package dev.streamrec.jobs.testutil;

import dev.streamrec.jobs.RecommenderJob;
import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.kafka.EmbeddedKafkaBroker;
import dev.streamrec.schema.Topics;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Starts the real recommender job on a local MiniCluster (RocksDB, checkpoints) against a broker. */
public final class TestJobs {

    public static final List<String> ALL_TOPICS = List.of(Topics.INTERACTIONS, Topics.ITEM_FEATURES,
            Topics.PREDICTIONS, Topics.DEAD_LETTERS, Topics.EVAL_METRICS, Topics.MODEL_UPDATES);

    private TestJobs() {}

    /** A job configuration for tests: short checkpoints, checkpoint dir under {@code tmp}. */
    public static Configuration config(EmbeddedKafkaBroker broker, Path tmp) {
        Configuration conf = new Configuration();
        conf.set(JobOptions.BOOTSTRAP_SERVERS, broker.bootstrapServers());
        conf.set(JobOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(300));
        conf.set(JobOptions.CHECKPOINT_DIR, tmp.resolve("checkpoints").toUri().toString());
        conf.set(JobOptions.EVAL_EMIT_EVERY, 100);
        return conf;
    }

    /** An interaction event payload. */
    public static byte[] event(String eventId, String user, String item, long ts) {
        return ("{\"eventId\":\"" + eventId + "\",\"userId\":\"" + user + "\",\"itemId\":\"" + item
                + "\",\"timestamp\":" + ts + ",\"type\":\"view\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    public static JobClient start(Configuration conf) throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(RecommenderJob.runtimeConfiguration(conf));
        RecommenderJob.build(env, conf);
        return env.executeAsync("streamrec-test");
    }
}
