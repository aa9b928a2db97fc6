package dev.streamrec.jobs.cluster;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command lines of the cluster's JVMs, as Flink's own {@code jobmanager.sh}/{@code taskmanager.sh}
 * build them: the JobManager ({@code StandaloneSessionClusterEntrypoint}) and the TaskManagers
 * ({@code TaskManagerRunner}) run on the Flink runtime jars of {@code docker/cluster-lib/target/lib} with
 * {@code --configDir}, and their heap, direct and metaspace limits and memory settings computed from
 * {@code config.yaml} by Flink's memory model (what {@code BashJavaUtils} prints for the scripts);
 * each TaskManager registers under its process name ({@code taskmanager-N}) as its resource id.
 * The broker runs {@link KafkaBrokerMain} on this JVM's class path (streamrec.jar holds the broker).
 * ZooKeeper (high availability only) runs the standalone server of the same lib's
 * {@code flink-shaded-zookeeper-3}, the ZooKeeper that Flink's client is built on, with
 * {@code conf/zoo.cfg}.
 */
public final class ClusterJvms {

    static final String JOB_MANAGER_MAIN = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    static final String TASK_MANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    static final String ZOOKEEPER_MAIN = "org.apache.flink.shaded.zookeeper3.org.apache.zookeeper.server.ZooKeeperServerMain";

    /** The TaskManager's id at the JobManager ({@code TaskManagerOptions.TASK_MANAGER_RESOURCE_ID}). */
    static final String RESOURCE_ID = "taskmanager.resource-id";

    /**
     * glibc malloc arenas of a TaskManager. With the default (8 per core) libtorch's and RocksDB's
     * threads spread their allocations over many arenas, and the resident memory crept up for most
     * of an hour before it levelled off (the soak's first run in docs/ops.md: 31 arenas, 350–400
     * MiB); Flink's own images bound the same native fragmentation with jemalloc (FLINK-19125). A
     * MALLOC_ARENA_MAX in the environment wins.
     */
    static final String TASK_MANAGER_MALLOC_ARENAS = "2";

    /** ZooKeeper holds a few small nodes per job: leader addresses, job graph and checkpoint pointers. */
    private static final String ZOOKEEPER_HEAP = "128m";

    private final ClusterSettings settings;
    private final Path flinkLib;
    private final Configuration flinkConf;

    /** Reads the cluster's {@code config.yaml} (written by {@link FlinkConfigFile}) for the memory model. */
    public ClusterJvms(ClusterSettings settings, Path flinkLib) {
        if (!Files.isDirectory(flinkLib)) {
            throw new IllegalArgumentException("no Flink runtime jars in " + flinkLib
                    + ": build them with mvn -B -q package -DskipTests (module docker/cluster-lib)");
        }
        this.settings = settings;
        this.flinkLib = flinkLib;
        this.flinkConf = GlobalConfiguration.loadConfiguration(settings.confDir().toString());
    }

    public List<String> jobManager() {
        JobManagerProcessSpec spec = JobManagerProcessUtils.processSpecFromConfig(flinkConf);
        return flink("jobmanager", CoreOptions.FLINK_JM_JVM_OPTIONS, JobManagerProcessUtils.generateJvmParametersStr(spec, flinkConf),
                JOB_MANAGER_MAIN, JobManagerProcessUtils.generateDynamicConfigsStr(spec));
    }

    public List<String> taskManager(String name) {
        TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(flinkConf);
        // registered under its process name, so the REST API's and the web UI's TaskManager ids say which process it is
        List<String> cmd = flink(name, CoreOptions.FLINK_TM_JVM_OPTIONS, ProcessMemoryUtils.generateJvmParametersStr(spec), TASK_MANAGER_MAIN,
                TaskExecutorProcessUtils.generateDynamicConfigsStr(spec) + " -D " + RESOURCE_ID + "=" + name);
        String arenas = System.getenv().getOrDefault("MALLOC_ARENA_MAX", TASK_MANAGER_MALLOC_ARENAS);
        cmd.addAll(cmd.indexOf(jdkTool("java")), List.of("/usr/bin/env", "MALLOC_ARENA_MAX=" + arenas));
        return cmd;
    }

    public List<String> broker() {
        List<String> cmd = java("kafka");
        cmd.add("-Xmx" + settings.brokerHeap());
        cmd.add("-cp");
        cmd.add(absoluteClassPath());
        cmd.add(KafkaBrokerMain.class.getName());
        cmd.addAll(List.of("--dir", settings.kafkaDir().toString(), "--port", String.valueOf(settings.kafkaPort()),
                "--controller-port", String.valueOf(settings.kafkaControllerPort())));
        return cmd;
    }

    public List<String> zooKeeper() {
        List<String> cmd = java("zookeeper");
        cmd.add("-Xmx" + ZOOKEEPER_HEAP);
        cmd.add("-cp");
        cmd.add(flinkLib.toAbsolutePath() + "/*");
        cmd.add(ZOOKEEPER_MAIN);
        cmd.add(FlinkConfigFile.zooKeeperConfig(settings).toString());
        return cmd;
    }

    /** A Flink process with the JVM options of {@code config.yaml}: {@code env.java.default-opts.all}, {@code env.java.opts.all} and the role's. */
    private List<String> flink(String name, ConfigOption<String> roleOptions, String jvmMemory, String mainClass,
            String dynamicConfigs) {
        List<String> cmd = java(name);
        cmd.addAll(split(flinkConf.get(CoreOptions.FLINK_DEFAULT_JVM_OPTIONS)));
        cmd.addAll(split(flinkConf.get(CoreOptions.FLINK_JVM_OPTIONS)));
        cmd.addAll(split(flinkConf.get(roleOptions)));
        cmd.addAll(split(jvmMemory));
        cmd.add("-cp");
        cmd.add(flinkLib.toAbsolutePath() + "/*");
        cmd.add(mainClass);
        cmd.add("--configDir");
        cmd.add(settings.confDir().toString());
        cmd.addAll(split(dynamicConfigs));
        return cmd;
    }

    /**
     * {@code java} with what every process gets: its log file, its GC log ({@code NAME-gc.log}: one line per
     * pause with the heap before and after, which the soak reads), the shared log4j config, the GC, and no JNI
     * surprises.
     */
    private List<String> java(String name) {
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            // its own session: a Ctrl-C in the shell that ran cluster up does not reach the cluster
            cmd.add("/usr/bin/setsid");
        }
        cmd.add(jdkTool("java"));
        cmd.add("-XX:+UseG1GC");
        cmd.add("-Xlog:gc:file=" + gcLog(settings, name) + ":uptime:filecount=2,filesize=20m");
        cmd.add("-Dlog.file=" + settings.logDir().resolve(name + ".log"));
        cmd.add("-Dlog4j.configurationFile=file:" + settings.confDir().resolve("log4j.properties"));
        cmd.add("-Dai.djl.offline=true");
        return cmd;
    }

    /** The GC log of process {@code name}. */
    public static Path gcLog(ClusterSettings settings, String name) {
        return settings.logDir().resolve(name + "-gc.log");
    }

    /** A tool of the JDK this JVM runs on ({@code java}, {@code jcmd}): the cluster's processes run on the same one. */
    public static String jdkTool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }

    /** This JVM's class path with absolute entries: the processes run in the run directory. */
    private static String absoluteClassPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    private static List<String> split(String args) {
        return Arrays.stream(args.strip().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }
}
