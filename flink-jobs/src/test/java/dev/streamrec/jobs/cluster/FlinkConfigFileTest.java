package dev.streamrec.jobs.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlinkConfigFileTest {

    /** Keys of the compose cluster that a process cluster on one host does not need (no Prometheus plugin). */
    private static final Set<String> CONTAINER_ONLY = Set.of(
            "metrics.reporter.prom.factory.class", "metrics.reporter.prom.port");

    /**
     * Keys of a process cluster that the containers leave to Flink's defaults or set per job (the
     * image's scripts add the JDK opens).
     */
    private static final Set<String> HOST_ONLY = Set.of("env.java.default-opts.all", "jobmanager.rpc.port", "taskmanager.host", "rest.port",
            "execution.checkpointing.interval", "io.tmp.dirs", "web.upload.dir", "web.tmpdir");

    @Test
    void shouldWriteAConfigFlinkReadsBack(@TempDir Path dir) throws IOException {
        ClusterSettings s = ClusterSettings.defaults(dir).withTaskManagers(3, 2, 6).withPorts(18081, 16123, 19092, 19093);
        FlinkConfigFile.write(s);
        Configuration conf = GlobalConfiguration.loadConfiguration(s.confDir().toString());
        assertEquals("rocksdb", conf.get(StateBackendOptions.STATE_BACKEND));
        assertEquals(Duration.ofSeconds(5), conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL));
        assertEquals(s.checkpointDir().toUri().toString(), conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
        assertEquals(18081, conf.get(RestOptions.PORT));
        assertEquals(2, conf.get(TaskManagerOptions.NUM_TASK_SLOTS));
        assertEquals(6, s.parallelism());
    }

    @Test
    void shouldSetTheKeysOfTheComposeClustersConfig() throws IOException {
        Set<String> compose = new TreeSet<>();
        flatten("", new ObjectMapper(new YAMLFactory()).readTree(Path.of("..", "docker", "conf", "config.yaml").toFile()), compose);
        Map<String, String> ours = FlinkConfigFile.entries(ClusterSettings.defaults(Path.of("/tmp/x")));
        Set<String> missing = new TreeSet<>(compose);
        missing.removeAll(ours.keySet());
        missing.removeAll(CONTAINER_ONLY);
        assertEquals(Set.of(), missing, "keys of docker/conf/config.yaml the process cluster leaves out");
        Set<String> extra = new TreeSet<>(ours.keySet());
        extra.removeAll(compose);
        extra.removeAll(HOST_ONLY);
        assertEquals(Set.of(), extra, "keys of the process cluster that docker/conf/config.yaml leaves out");
        assertTrue(compose.contains("state.backend.type"), "the compose config was read: " + compose);
    }

    @Test
    void shouldRoundTripTheSettings(@TempDir Path dir) throws IOException {
        ClusterSettings s = ClusterSettings.defaults(dir).withTaskManagers(3, 2, 6).withPorts(1, 2, 3, 4)
                .withHighAvailability(5);
        s.save();
        assertEquals(s, ClusterSettings.load(dir));
    }

    @Test
    void shouldConfigureZooKeeperHighAvailabilityOnlyWhenAsked(@TempDir Path dir) throws IOException {
        ClusterSettings s = ClusterSettings.defaults(dir).withPorts(18081, 16123, 19092, 19093);
        FlinkConfigFile.write(s);
        assertEquals("NONE", GlobalConfiguration.loadConfiguration(s.confDir().toString())
                .get(HighAvailabilityOptions.HA_MODE).toUpperCase(java.util.Locale.ROOT));
        assertFalse(Files.exists(FlinkConfigFile.zooKeeperConfig(s)));

        ClusterSettings ha = s.withHighAvailability(12181);
        FlinkConfigFile.write(ha);
        Configuration conf = GlobalConfiguration.loadConfiguration(ha.confDir().toString());
        assertEquals("zookeeper", conf.get(HighAvailabilityOptions.HA_MODE));
        assertEquals("127.0.0.1:12181", conf.get(HighAvailabilityOptions.HA_ZOOKEEPER_QUORUM));
        assertEquals(ha.haDir().toUri().toString(), conf.get(HighAvailabilityOptions.HA_STORAGE_PATH));
        assertEquals("16123", conf.get(HighAvailabilityOptions.HA_JOB_MANAGER_PORT_RANGE));
        assertEquals(Duration.ofSeconds(10), conf.get(HighAvailabilityOptions.ZOOKEEPER_SESSION_TIMEOUT));
        Properties zoo = new Properties();
        try (Reader r = Files.newBufferedReader(FlinkConfigFile.zooKeeperConfig(ha))) {
            zoo.load(r);
        }
        assertEquals("12181", zoo.getProperty("clientPort"));
        assertEquals(ha.zooKeeperDir().toString(), zoo.getProperty("dataDir"));
    }

    private static void flatten(String prefix, JsonNode node, Set<String> keys) {
        if (!node.isObject()) {
            keys.add(prefix);
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), keys);
        }
    }
}
