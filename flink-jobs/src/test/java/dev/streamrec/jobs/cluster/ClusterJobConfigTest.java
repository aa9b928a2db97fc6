package dev.streamrec.jobs.cluster;

import dev.streamrec.jobs.config.JobOptions;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ClusterJobConfigTest {

    @Test
    void shouldOverrideTheJobConfigInAChangedVersionAndKeepTheRest(@TempDir Path dir) throws IOException {
        ClusterSettings s = ClusterSettings.defaults(dir);
        Path jobYaml = ClusterJobConfig.write(s, null, Map.of(JobOptions.MODELS.key(), "popularity,cooccurrence"));
        Path upgraded = ClusterJobConfig.changed(jobYaml, "upgraded", ChaosScenario.UPGRADE);
        Path rescaled = ClusterJobConfig.changed(upgraded, "parallelism-4", Map.of(JobOptions.PARALLELISM.key(), "4"));

        Configuration original = ClusterJobConfig.read(jobYaml);
        Configuration last = ClusterJobConfig.read(rescaled);
        assertEquals(dir.resolve("job-parallelism-4.yaml"), rescaled);
        assertEquals(2, original.get(JobOptions.PARALLELISM));
        assertEquals(4, last.get(JobOptions.PARALLELISM));
        assertEquals(20, original.get(JobOptions.TOP_K));
        assertEquals(10, last.get(JobOptions.TOP_K));
        assertEquals(false, original.get(JobOptions.PROCESSING_LATENCY));
        assertEquals(true, last.get(JobOptions.PROCESSING_LATENCY));
        assertEquals(Long.MAX_VALUE, last.get(JobOptions.CHAOS_FAIL_AFTER), "the new operator is wired in");
        assertEquals(List.of("popularity", "cooccurrence"), last.get(JobOptions.MODELS));
        assertEquals(s.bootstrapServers(), last.get(JobOptions.BOOTSTRAP_SERVERS));
    }
}
