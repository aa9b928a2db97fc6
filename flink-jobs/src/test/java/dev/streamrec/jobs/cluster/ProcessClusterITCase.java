package dev.streamrec.jobs.cluster;

import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.model.data.MovieLens;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job on a real multi-process cluster: a broker, ZooKeeper, a JobManager with ZooKeeper high
 * availability and two TaskManagers of two slots as separate JVMs (RocksDB, 5-s checkpoints, the
 * job's parallelism 2 spread over both), the job jar submitted over REST. {@link ChaosScenario}, what {@code streamrec.jar chaos} runs: the first
 * 20,000 MovieLens events stream in at 200/s (100 s: the next fault waits until the job emits again
 * after the previous one, up to 35 s each on a loaded 2-core machine) while, in turn, a TaskManager is {@code kill -9}ed and a new
 * one started, the broker is {@code kill -9}ed and restarted on its log directory, the JobManager is
 * {@code kill -9}ed and a new one recovers the job from ZooKeeper by itself, and the job is stopped
 * with a savepoint and resubmitted from it. A read_committed reader must then see exactly
 * one prediction per event and model, and the job must have emitted again after every fault (the
 * recovery times are printed). Runs after {@code package} (it needs streamrec-job.jar and
 * docker/cluster-lib/target/lib): the {@code cluster-tests} execution in flink-jobs/pom.xml.
 */
class ProcessClusterITCase {

    private static final List<String> MODELS = List.of("popularity", "cooccurrence");
    private static final int EVENTS = 20_000;
    private static final int WARMUP_EVENTS = 200;
    private static final double RATE = 200;

    @Test
    void shouldDeliverEveryPredictionOnceThroughTaskManagerBrokerJobManagerAndSavepointFaults() throws Exception {
        ProcessClusterFixture.assertBuilt();
        ClusterSettings settings = ProcessClusterFixture.settings("process-cluster-it", true);
        ProcessCluster cluster = new ProcessCluster(settings, ProcessClusterFixture.FLINK_LIB);
        List<ChaosFault> faults = List.of(ChaosFault.TASKMANAGER, ChaosFault.BROKER, ChaosFault.JOBMANAGER,
                ChaosFault.SAVEPOINT);
        DeliveryAudit.Report report;
        try {
            Path jobYaml = ProcessClusterFixture.jobYaml(settings, Map.of(JobOptions.MODELS.key(), String.join(",", MODELS)));
            Configuration job = ClusterJobConfig.read(jobYaml);
            cluster.start(JobOptions.topics(job), 2);
            List<ChaosScenario.Event> events = ChaosScenario.events(MovieLens.bundled().interactions().subList(0, EVENTS));
            report = new ChaosScenario(events, WARMUP_EVENTS, RATE, faults, MODELS, System.out)
                    .run(cluster, job, ProcessClusterFixture.JOB_JAR, jobYaml);
        } finally {
            cluster.stop();
        }
        report.print(System.out);
        assertEquals(0, report.missing(), "missing predictions");
        assertEquals(0, report.duplicated(), "duplicated predictions");
        assertEquals(0, report.unexpected(), "predictions of unknown events");
        assertEquals(0, report.deadLetters(), "dead letters");
        assertEquals(faults.size(), report.recoveries().size());
        report.recoveries().forEach(r -> assertTrue(r.millis() > 0, "the job emitted before and after " + r.fault().name()));
    }
}
