package dev.streamrec.jobs.local;

import dev.streamrec.jobs.RecommenderJob;
import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.kafka.EmbeddedKafkaBroker;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The system on one machine: a real KRaft broker in this JVM with every topic, and the recommender
 * job on a Flink MiniCluster (RocksDB with {@link JobOptions#LOCAL_MANAGED_MEMORY} for its caches,
 * checkpoints in a temp directory unless configured).
 * Closing cancels the job, stops the broker and removes the temp files.
 */
public final class LocalStack implements AutoCloseable {

    private final EmbeddedKafkaBroker broker;
    private final JobClient job;
    private final Path work;

    private LocalStack(EmbeddedKafkaBroker broker, JobClient job, Path work) {
        this.broker = broker;
        this.job = job;
        this.work = work;
    }

    /** Starts broker and job; sets the bootstrap servers and checkpoint dir into {@code conf}. */
    public static LocalStack start(Configuration conf, int kafkaPort, PrintStream out) throws Exception {
        return start(conf, kafkaPort, out, bootstrap -> {});
    }

    /** What runs against the broker after the topics exist and before the job starts (e.g. preloading events). */
    @FunctionalInterface
    public interface BeforeJob {
        void run(String bootstrapServers) throws Exception;
    }

    /** Starts broker and job, running {@code beforeJob} in between. */
    public static LocalStack start(Configuration conf, int kafkaPort, PrintStream out, BeforeJob beforeJob)
            throws Exception {
        Path work = Files.createTempDirectory("streamrec-local-");
        conf.set(JobOptions.CHECKPOINT_DIR, conf.getOptional(JobOptions.CHECKPOINT_DIR)
                .orElse(work.resolve("checkpoints").toUri().toString()));
        out.println("Starting Kafka (KRaft, in-process)...");
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(kafkaPort, null);
        try {
            conf.set(JobOptions.BOOTSTRAP_SERVERS, broker.bootstrapServers());
            broker.createTopics(conf.get(JobOptions.TOPIC_PARTITIONS), JobOptions.topics(conf));
            out.println("Kafka ready at " + broker.bootstrapServers());
            beforeJob.run(broker.bootstrapServers());
            out.println("Starting the recommender job on a Flink MiniCluster (RocksDB, checkpoints every "
                    + conf.get(JobOptions.CHECKPOINT_INTERVAL).toMillis() + " ms, "
                    + conf.get(JobOptions.DELIVERY) + ") with models " + conf.get(JobOptions.MODELS) + "...");
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(miniClusterConfiguration(conf));
            RecommenderJob.onKafka(conf).build(env);
            return new LocalStack(broker, env.executeAsync("streamrec-local"), work);
        } catch (Exception e) {
            broker.close();
            EmbeddedKafkaBroker.deleteRecursively(work);
            throw e;
        }
    }

    /** The job's runtime settings plus the MiniCluster's managed memory ({@link JobOptions#LOCAL_MANAGED_MEMORY}). */
    static Configuration miniClusterConfiguration(Configuration conf) {
        Configuration c = RecommenderJob.runtimeConfiguration(conf);
        if (!conf.contains(TaskManagerOptions.MANAGED_MEMORY_SIZE)) {
            c.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, conf.get(JobOptions.LOCAL_MANAGED_MEMORY));
        }
        return c;
    }

    public EmbeddedKafkaBroker broker() {
        return broker;
    }

    public JobClient job() {
        return job;
    }

    /** Where checkpoints go when not configured (inside the temp work directory). */
    public Path workDir() {
        return work;
    }

    @Override
    public void close() {
        try {
            job.cancel().get();
        } catch (Exception e) {
            // already finished or failed: nothing to cancel
        }
        broker.close();
        EmbeddedKafkaBroker.deleteRecursively(work);
    }
}
