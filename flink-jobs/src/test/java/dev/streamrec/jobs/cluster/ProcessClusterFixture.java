package dev.streamrec.jobs.cluster;

import dev.streamrec.jobs.kafka.EmbeddedKafkaBroker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the process-cluster tests share: the built job jar and Flink runtime jars they need, a fresh
 * run directory under {@code target} with free ports (and a ZooKeeper port for high availability),
 * and the job's {@code job.yaml} from {@code config/cluster.yaml} plus the test's own settings.
 */
final class ProcessClusterFixture {

    static final Path JOB_JAR = Path.of("target", "streamrec-job.jar");
    static final Path FLINK_LIB = Path.of("..", "docker", "cluster-lib", "target", "lib");
    static final Path BASE_CONFIG = Path.of("..", "config", "cluster.yaml");

    private ProcessClusterFixture() {}

    /** Fails with the build command unless {@code package} has built the job jar and the Flink runtime jars. */
    static void assertBuilt() {
        assertTrue(Files.exists(JOB_JAR) && Files.isDirectory(FLINK_LIB),
                "build first: mvn -B -o -q package -DskipTests (streamrec-job.jar, docker/cluster-lib/target/lib)");
    }

    /** The default cluster in an emptied {@code target/NAME} on free ports, with ZooKeeper HA when {@code ha}. */
    static ClusterSettings settings(String name, boolean ha) throws Exception {
        Path runDir = Path.of("target", name).toAbsolutePath();
        EmbeddedKafkaBroker.deleteRecursively(runDir);
        int[] ports = EmbeddedKafkaBroker.freePorts(5);
        return ClusterSettings.defaults(runDir).withPorts(ports[0], ports[1], ports[2], ports[3])
                .withHighAvailability(ha ? ports[4] : 0);
    }

    /** Writes the job's {@code job.yaml}: {@code config/cluster.yaml}, the cluster's settings, then {@code extra}. */
    static Path jobYaml(ClusterSettings settings, Map<String, String> extra) throws Exception {
        return ClusterJobConfig.write(settings, BASE_CONFIG, extra);
    }
}
