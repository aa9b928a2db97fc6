package dev.streamrec.jobs.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Flink's own configuration of a process cluster, {@code conf/config.yaml} (flat keys), read by the
 * JobManager and every TaskManager through {@code --configDir}, plus the {@code log4j.properties}
 * that writes each process's log to its {@code -Dlog.file}. The keys are those of the compose
 * cluster's {@code docker/conf/config.yaml} (RocksDB, incremental checkpoints and their directories,
 * retained checkpoints, DJL parent-first), with this machine's addresses, ports, directories and
 * memory, and what a fast failover needs on one host (heartbeats, a REST body large enough for the
 * job jar). With high availability on, also ZooKeeper HA: the quorum of the cluster's ZooKeeper
 * process, the HA storage in the run directory, and a ZooKeeper session short enough that a new
 * JobManager takes over from a killed one within seconds.
 */
public final class FlinkConfigFile {

    /** Largest REST request and response: the job jar (with libtorch) is ~350 MB. */
    static final String MAX_CONTENT_LENGTH = String.valueOf(1024L * 1024 * 1024);

    /**
     * {@code env.java.opts.taskmanager}: every heap page touched at start ({@code -XX:+AlwaysPreTouch});
     * the Vector API, so SASRec's key/value-cache attention runs in SIMD ({@code AttentionKernels}).
     */
    static final String TASK_MANAGER_JVM_OPTIONS = "-XX:+AlwaysPreTouch --add-modules=jdk.incubator.vector";

    static final String JDK_OPENS = String.join(" ",
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private FlinkConfigFile() {}

    /** The configuration entries, in file order. */
    public static Map<String, String> entries(ClusterSettings s) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("jobmanager.rpc.address", "localhost");
        c.put("jobmanager.rpc.port", String.valueOf(s.jobManagerRpcPort()));
        c.put("jobmanager.bind-host", "127.0.0.1");
        c.put("jobmanager.memory.process.size", s.jobManagerMemory());
        c.put("taskmanager.bind-host", "127.0.0.1");
        c.put("taskmanager.host", "127.0.0.1");
        c.put("taskmanager.numberOfTaskSlots", String.valueOf(s.slotsPerTaskManager()));
        c.put("taskmanager.memory.process.size", s.taskManagerMemory());
        c.put("rest.address", "localhost");
        c.put("rest.bind-address", "127.0.0.1");
        c.put("rest.port", String.valueOf(s.restPort()));
        c.put("rest.server.max-content-length", MAX_CONTENT_LENGTH);
        c.put("rest.client.max-content-length", MAX_CONTENT_LENGTH);
        c.put("parallelism.default", String.valueOf(s.parallelism()));
        c.put("taskmanager.load-balance.mode", "SLOTS");
        c.put("state.backend.type", "rocksdb");
        c.put("state.backend.incremental", "true");
        c.put("state.checkpoints.dir", s.checkpointDir().toUri().toString());
        c.put("state.savepoints.dir", s.savepointDir().toUri().toString());
        c.put("execution.checkpointing.interval", s.checkpointInterval().toMillis() + " ms");
        c.put("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        // A killed TaskManager is noticed after two failed heartbeat RPCs (2 s apart), not after the
        // 50-s timeout; the timeout stays generous for GC pauses on a loaded machine.
        c.put("heartbeat.interval", "2 s");
        c.put("heartbeat.timeout", "20 s");
        c.put("classloader.parent-first-patterns.additional", "ai.djl.;ai.onnxruntime.");
        // What a Flink distribution's config.yaml gives every JVM: Flink and Kryo reach into JDK internals.
        c.put("env.java.default-opts.all", JDK_OPENS);
        // The TaskManager's heap resident from the start: otherwise the resident size grows for most of an
        // hour while G1 first touches each heap region, and hides native growth that way (docs/ops.md "Soak").
        c.put("env.java.opts.taskmanager", TASK_MANAGER_JVM_OPTIONS);
        c.put("io.tmp.dirs", s.runDir().resolve("tmp").toString());
        c.put("web.upload.dir", s.runDir().resolve("uploads").toString());
        c.put("web.tmpdir", s.runDir().resolve("web").toString());
        if (s.highAvailability()) {
            c.put("high-availability.type", "zookeeper");
            c.put("high-availability.zookeeper.quorum", s.zooKeeperQuorum());
            c.put("high-availability.storageDir", s.haDir().toUri().toString());
            c.put("high-availability.cluster-id", "/streamrec");
            // In HA mode the JobManager's RPC port comes from here (the TaskManagers find it in ZooKeeper).
            c.put("high-availability.jobmanager.port", String.valueOf(s.jobManagerRpcPort()));
            // A killed JobManager's leader node lives until its session expires: the new one leads after
            // this long (ZooKeeper's default tick of 2 s allows 4 to 40 s; Flink's default is 60 s).
            c.put("high-availability.zookeeper.client.session-timeout", "10 s");
        }
        return c;
    }

    /**
     * The standalone ZooKeeper server's {@code zoo.cfg} (as in a Flink distribution's conf): its data
     * directory and client port on the loopback interface, no admin web server.
     */
    public static Map<String, String> zooKeeperEntries(ClusterSettings s) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("tickTime", "2000");
        c.put("dataDir", s.zooKeeperDir().toString());
        c.put("clientPort", String.valueOf(s.zooKeeperPort()));
        c.put("clientPortAddress", "127.0.0.1");
        c.put("admin.enableServer", "false");
        return c;
    }

    /**
     * Writes {@code config.yaml} and {@code log4j.properties} into the settings' conf directory, and
     * {@code zoo.cfg} when high availability is on.
     */
    public static void write(ClusterSettings s) throws IOException {
        Files.createDirectories(s.confDir());
        StringBuilder yaml = new StringBuilder("# Written by streamrec.jar cluster up (see docs/ops.md); rewritten at each up.\n");
        entries(s).forEach((k, v) -> yaml.append(k).append(": ").append(quoted(v)).append('\n'));
        Files.writeString(s.confDir().resolve("config.yaml"), yaml, StandardCharsets.UTF_8);
        Files.writeString(s.confDir().resolve("log4j.properties"), LOG4J, StandardCharsets.UTF_8);
        if (s.highAvailability()) {
            StringBuilder cfg = new StringBuilder();
            zooKeeperEntries(s).forEach((k, v) -> cfg.append(k).append('=').append(v).append('\n'));
            Files.writeString(zooKeeperConfig(s), cfg, StandardCharsets.UTF_8);
        }
    }

    /** Where {@link #write} puts {@code zoo.cfg}. */
    public static Path zooKeeperConfig(ClusterSettings s) {
        return s.confDir().resolve("zoo.cfg");
    }

    private static String quoted(String v) {
        return v.contains(":") || v.contains(";") ? "\"" + v + "\"" : v;
    }

    private static final String LOG4J = String.join("\n",
            "# Each process logs to its own file (-Dlog.file), as in a Flink distribution.",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.file.ref = MainAppender",
            "appender.main.name = MainAppender",
            "appender.main.type = File",
            "appender.main.append = true",
            "appender.main.fileName = ${sys:log.file}",
            "appender.main.layout.type = PatternLayout",
            "appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
            "logger.kafka.name = org.apache.kafka",
            "logger.kafka.level = WARN",
            "logger.pekko.name = org.apache.pekko",
            "logger.pekko.level = WARN",
            "");
}
