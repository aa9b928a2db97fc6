package dev.streamrec.jobs.cluster;

import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.soak.SoakRun;
import dev.streamrec.jobs.soak.SoakSample;
import dev.streamrec.jobs.soak.SoakSettings;
import dev.streamrec.model.artifact.ModelArtifact;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soak's two-minute version, what CI runs of {@code streamrec.jar soak}: {@link SoakRun} through
 * a broker, a JobManager and two TaskManagers as separate JVMs, a generated stream at 50 events/s with
 * a small active user set (so users leave and deletion requests start within seconds), a 1-min state
 * TTL, a fine-tuning round of the SASRec every 40 s, a sample every 10 s. Checks what two minutes can
 * show: no restart of the job, every deletion request confirmed, at least one fine-tuned version
 * published and then serving predictions (a hot swap), and every series sampled. It does not judge
 * flatness: two minutes say nothing about leveling off (docs/ops.md, "Soak", for the hour).
 */
class ProcessClusterSoakITCase {

    private static final SoakSettings CI = new SoakSettings(Duration.ofMinutes(2), 50, Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofSeconds(40), 50, 10, 100, 200, 50,
            100, 2_000, 42);

    @Test
    void shouldSoakWithoutRestartsConfirmingEveryDeletionAndHotSwapping() throws Exception {
        ProcessClusterFixture.assertBuilt();
        ClusterSettings settings = ProcessClusterFixture.settings("process-cluster-soak-it", false);
        SoakRun soak = new SoakRun(CI, System.out);
        ModelArtifact model = soak.trainModel(settings.runDir().resolve("model").resolve("sasrec-initial"));
        Path store = settings.runDir().resolve("model-store");
        Path jobYaml = ProcessClusterFixture.jobYaml(settings, soak.jobOptions(model.dir(), store));
        Configuration job = ClusterJobConfig.read(jobYaml);
        ProcessCluster cluster = new ProcessCluster(settings, ProcessClusterFixture.FLINK_LIB);
        Path output = settings.runDir().resolve("output");
        SoakRun.Result result;
        try {
            cluster.start(JobOptions.topics(job), job.get(JobOptions.TOPIC_PARTITIONS));
            result = soak.run(cluster, job, ProcessClusterFixture.JOB_JAR, jobYaml, model, store, output, output);
        } finally {
            cluster.stop();
        }
        result.report().print(System.out);
        assertEquals(0, result.restarts(), "job restarts");
        assertTrue(result.deletionsSent() > 0, "deletion requests sent");
        assertEquals(result.deletionsSent(), result.deletionsConfirmed(), "deletions confirmed");
        assertTrue(result.hotSwapsPublished() >= 1, "fine-tuned versions published: " + result.rounds());
        assertTrue(result.versionsServed() >= 2, "SASRec versions in the predictions (a hot swap took effect)");
        List<String> columns = SoakSample.columns(List.of("taskmanager-1", "taskmanager-2"));
        for (String series : columns) {
            assertTrue(result.samples().stream().anyMatch(s -> !Double.isNaN(s.get(series))), "sampled: " + series);
        }
        assertTrue(Files.size(output.resolve("soak.csv")) > 0);
        assertTrue(Files.exists(output.resolve("soak-heap.png")));
    }
}
