package dev.streamrec.jobs.deploy;

import dev.streamrec.jobs.RecommenderJob;
import dev.streamrec.jobs.config.JobConfig;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.CommandOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The main class of {@code streamrec-job.jar}, submitted to a real Flink cluster
 * ({@code flink run streamrec-job.jar --config /opt/streamrec/cluster.yaml}): loads the job
 * config and runs the recommender job on the cluster's environment.
 */
public final class ClusterJob {

    /** The job name shown in the Flink UI and used by the ops commands (docs/ops.md). */
    public static final String JOB_NAME = "streamrec";

    private ClusterJob() {}

    public static void main(String[] argv) throws Exception {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        CliArgs args = CommandOptions.command("streamrec-job.jar", "The recommender job on a Flink cluster.", null)
                .required("config", "FILE", "Job config (flat YAML, see config/cluster.yaml).")
                .parse(Arrays.asList(argv));
        Configuration conf = JobConfig.load(Path.of(args.require("config")), Map.of());
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(RecommenderJob.runtimeConfiguration(conf));
        RecommenderJob.onKafka(conf).build(env);
        env.execute(JOB_NAME);
    }
}
