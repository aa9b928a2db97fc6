package dev.streamrec.jobs.scoring;

import dev.streamrec.jobs.config.JobOptions;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArtifactAllowListTest {

    private static void allowed(ArtifactAllowList list, String... locations) {
        for (String l : locations) {
            assertTrue(list.refusal(l).isEmpty(), l + ": " + list.refusal(l));
        }
    }

    private static void refused(ArtifactAllowList list, String... locations) {
        for (String l : locations) {
            assertTrue(list.refusal(l).filter(r -> r.startsWith("model update refused")).isPresent(),
                    l + " was allowed by " + list);
        }
    }

    @Test
    void shouldAllowOnlyWhatLiesBelowADirectory() {
        ArtifactAllowList list = ArtifactAllowList.of(List.of("file:/models", "s3://bucket/store/"));
        allowed(list, "file:/models/sasrec/v2", "file:///models/sasrec/v2/", "/models/sasrec/v2",
                "s3://bucket/store/sasrec/v2", "s3://bucket/store/sasrec/v2/", "S3://bucket/store/v3");
        refused(list,
                "file:/models/../etc/passwd", "/models/../etc", "file:/models/%2e%2e/etc", "file:/models/./x/../../etc",
                "file:/models-evil/sasrec/v2", "file:/modelsx", "file:/models", "file:/models/",
                "file://attacker/models/sasrec/v2", "file:models/sasrec/v2",
                "s3://bucket-evil/store/sasrec/v2", "s3://bucket/store-evil/v2", "hdfs://bucket/store/sasrec/v2",
                "http://bucket/store/sasrec/v2", "s3://bucket/store/v2?versionId=1", "file:/models/v2#x",
                "/etc/passwd", "", " ", null);
    }

    @Test
    void shouldRefuseEverythingWhenEmpty() {
        refused(ArtifactAllowList.of(List.of()), "file:/models/sasrec/v2", "/tmp/x");
        refused(ArtifactAllowList.from(new Configuration()), "file:/models/sasrec/v2", "/tmp/x");
    }

    @Test
    void shouldRejectAConfiguredDirectoryThatClimbs() {
        assertThrows(IllegalArgumentException.class, () -> ArtifactAllowList.of(List.of("file:/models/../etc")));
        assertThrows(IllegalArgumentException.class, () -> ArtifactAllowList.of(List.of("file:relative")));
    }

    @Test
    void shouldDefaultToTheDirectoriesHoldingTheJobsArtifacts() {
        Configuration conf = new Configuration();
        conf.set(JobOptions.ARTIFACTS, List.of("/store/sasrec/v1", "s3://bucket/m/bm3/v1/", "/v0"));
        ArtifactAllowList list = ArtifactAllowList.from(conf);
        allowed(list, "/store/sasrec/v9", "file:/store/sasrec/v1", "s3://bucket/m/bm3/v2");
        refused(list, "/store/other/v1", "/store/sasrec", "s3://bucket/m/other/v1", "/v1", "/etc/passwd");
    }

    @Test
    void shouldUseTheConfiguredListInsteadOfTheDefault() {
        Configuration conf = new Configuration();
        conf.set(JobOptions.ARTIFACTS, List.of("/store/sasrec/v1"));
        conf.set(JobOptions.ARTIFACT_ALLOWED_LOCATIONS, List.of("s3://bucket/models"));
        ArtifactAllowList list = ArtifactAllowList.from(conf);
        allowed(list, "s3://bucket/models/sasrec/v2");
        refused(list, "/store/sasrec/v2");
    }
}
