package dev.streamrec.jobs.cluster;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/**
 * What a process cluster is made of, with every default in one place: where it keeps its files
 * (config, logs, pid files, broker log, checkpoints), its ports, how many TaskManagers with how many
 * slots, the processes' memory, and the checkpoint interval of the job it runs. Saved as
 * {@code cluster.properties} in the run directory, so {@code cluster status} and {@code cluster down}
 * from another shell find the cluster that {@code cluster up} started.
 *
 * <p>Two TaskManagers of two slots run a job of parallelism 2 spread over both, so when one dies
 * the job restarts at once in the other's free slot instead of waiting for a new JVM.
 *
 * <p>High availability is off unless a ZooKeeper port is set ({@link #withHighAvailability}): then a
 * ZooKeeper server runs as one more process, and a JobManager that dies is replaced by a new one that
 * recovers the running job from ZooKeeper and {@link #haDir()} by itself.
 *
 * <p>The memory fits a 2-core, 24 GiB machine that also builds: 1 GiB JobManager, 1.5 GiB per
 * TaskManager, a 512 MiB broker heap (about 4.5 GiB with two TaskManagers).
 */
public record ClusterSettings(
        Path runDir,
        int restPort,
        int jobManagerRpcPort,
        int kafkaPort,
        int kafkaControllerPort,
        int zooKeeperPort,
        int taskManagers,
        int slotsPerTaskManager,
        int parallelism,
        Duration checkpointInterval,
        String jobManagerMemory,
        String taskManagerMemory,
        String brokerHeap) {

    public static final String FILE = "cluster.properties";

    /** The ZooKeeper port of {@code cluster up --ha}. */
    public static final int DEFAULT_ZOOKEEPER_PORT = 2181;

    /**
     * The defaults: REST/web UI on 8081, JobManager RPC on 6123, Kafka on 9092 (controller 9093), two
     * TaskManagers of two slots, parallelism 2, no high availability (ZooKeeper port 0).
     */
    public static ClusterSettings defaults(Path runDir) {
        return new ClusterSettings(runDir.toAbsolutePath(), 8081, 6123, 9092, 9093, 0, 2, 2, 2, Duration.ofSeconds(5),
                "1024m", "1536m", "512m");
    }

    /** The run directory used when none is given: {@code streamrec-cluster} in the system temp directory. */
    public static Path defaultRunDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "streamrec-cluster");
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    public String restUrl() {
        return "http://localhost:" + restPort;
    }

    public Path confDir() {
        return runDir.resolve("conf");
    }

    public Path logDir() {
        return runDir.resolve("log");
    }

    public Path kafkaDir() {
        return runDir.resolve("kafka");
    }

    public Path checkpointDir() {
        return runDir.resolve("checkpoints");
    }

    public Path savepointDir() {
        return runDir.resolve("savepoints");
    }

    /** Whether a ZooKeeper server and Flink's ZooKeeper high availability are part of the cluster. */
    public boolean highAvailability() {
        return zooKeeperPort > 0;
    }

    public String zooKeeperQuorum() {
        return "127.0.0.1:" + zooKeeperPort;
    }

    /** ZooKeeper's data directory. */
    public Path zooKeeperDir() {
        return runDir.resolve("zookeeper");
    }

    /** Flink's HA storage: the job graphs, jars and checkpoint metadata that ZooKeeper points to. */
    public Path haDir() {
        return runDir.resolve("ha");
    }

    public ClusterSettings withPorts(int rest, int jobManagerRpc, int kafka, int kafkaController) {
        return new ClusterSettings(runDir, rest, jobManagerRpc, kafka, kafkaController, zooKeeperPort, taskManagers,
                slotsPerTaskManager, parallelism, checkpointInterval, jobManagerMemory, taskManagerMemory, brokerHeap);
    }

    /** {@code count} TaskManagers of {@code slots} slots each, and the job's parallelism. */
    public ClusterSettings withTaskManagers(int count, int slots, int jobParallelism) {
        return new ClusterSettings(runDir, restPort, jobManagerRpcPort, kafkaPort, kafkaControllerPort, zooKeeperPort,
                count, slots, jobParallelism, checkpointInterval, jobManagerMemory, taskManagerMemory, brokerHeap);
    }

    /** High availability with a ZooKeeper server on {@code port}; 0 turns it off. */
    public ClusterSettings withHighAvailability(int port) {
        return new ClusterSettings(runDir, restPort, jobManagerRpcPort, kafkaPort, kafkaControllerPort, port,
                taskManagers, slotsPerTaskManager, parallelism, checkpointInterval, jobManagerMemory, taskManagerMemory,
                brokerHeap);
    }

    public void save() throws IOException {
        Properties p = new Properties();
        p.setProperty("runDir", runDir.toString());
        p.setProperty("restPort", String.valueOf(restPort));
        p.setProperty("jobManagerRpcPort", String.valueOf(jobManagerRpcPort));
        p.setProperty("kafkaPort", String.valueOf(kafkaPort));
        p.setProperty("kafkaControllerPort", String.valueOf(kafkaControllerPort));
        p.setProperty("zooKeeperPort", String.valueOf(zooKeeperPort));
        p.setProperty("taskManagers", String.valueOf(taskManagers));
        p.setProperty("slotsPerTaskManager", String.valueOf(slotsPerTaskManager));
        p.setProperty("parallelism", String.valueOf(parallelism));
        p.setProperty("checkpointInterval", checkpointInterval.toString());
        p.setProperty("jobManagerMemory", jobManagerMemory);
        p.setProperty("taskManagerMemory", taskManagerMemory);
        p.setProperty("brokerHeap", brokerHeap);
        Files.createDirectories(runDir);
        try (Writer w = Files.newBufferedWriter(runDir.resolve(FILE), StandardCharsets.UTF_8)) {
            p.store(w, "streamrec process cluster (written by cluster up)");
        }
    }

    /** The settings saved in {@code runDir}; fails when no cluster was started there. */
    public static ClusterSettings load(Path runDir) throws IOException {
        Path file = runDir.resolve(FILE);
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("no cluster in " + runDir + " (" + FILE + " missing): run cluster up first");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return new ClusterSettings(Path.of(p.getProperty("runDir")), intOf(p, "restPort"), intOf(p, "jobManagerRpcPort"),
                intOf(p, "kafkaPort"), intOf(p, "kafkaControllerPort"), Integer.parseInt(p.getProperty("zooKeeperPort", "0")),
                intOf(p, "taskManagers"),
                intOf(p, "slotsPerTaskManager"), intOf(p, "parallelism"), Duration.parse(p.getProperty("checkpointInterval")),
                p.getProperty("jobManagerMemory"), p.getProperty("taskManagerMemory"), p.getProperty("brokerHeap"));
    }

    private static int intOf(Properties p, String key) {
        return Integer.parseInt(p.getProperty(key));
    }
}
