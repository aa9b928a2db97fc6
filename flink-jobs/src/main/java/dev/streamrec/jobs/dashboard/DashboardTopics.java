package dev.streamrec.jobs.dashboard;

import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.schema.Topics;
import org.apache.flink.configuration.Configuration;

/** The three output topics the dashboard reads, by default {@link Topics}' names. */
public record DashboardTopics(String predictions, String deadLetters, String evalMetrics) {

    /** The default topic names. */
    public static DashboardTopics defaults() {
        return new DashboardTopics(Topics.PREDICTIONS, Topics.DEAD_LETTERS, Topics.EVAL_METRICS);
    }

    /** The names a job configuration uses (deployments may rename topics). */
    public static DashboardTopics of(Configuration conf) {
        return new DashboardTopics(conf.get(JobOptions.TOPIC_PREDICTIONS), conf.get(JobOptions.TOPIC_DEAD_LETTERS),
                conf.get(JobOptions.TOPIC_EVAL_METRICS));
    }
}
