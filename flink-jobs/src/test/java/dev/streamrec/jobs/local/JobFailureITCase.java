package dev.streamrec.jobs.local;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A local job that fails for good is reported with its root cause, also after its cluster shut down. */
class JobFailureITCase {

    @Test
    void shouldReportTheRootCauseOnceTheJobHasFailed() throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, java.time.Duration.ofMillis(10));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        env.fromData(1, 2, 3).map((MapFunction<Integer, Integer>) i -> {
            throw new IllegalStateException("model cannot load: no such GPU");
        }).print();
        JobClient job = env.executeAsync("failing");
        Optional<String> stopped = Optional.empty();
        for (int i = 0; i < 600 && stopped.isEmpty(); i++) {
            stopped = JobFailure.ifStopped(job);
            Thread.sleep(50);
        }
        assertEquals(Optional.of("the job failed: IllegalStateException: model cannot load: no such GPU"), stopped);
        assertTrue(JobFailure.ifStopped(job).isPresent(), "asked again after the local cluster shut down");
    }
}
