package dev.streamrec.jobs.cluster;

import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.CommandOptions;
import org.apache.flink.configuration.Configuration;

import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * {@code streamrec.jar cluster up|status|down|taskmanager|jobmanager}: a Flink session cluster and a Kafka
 * broker on this machine as separate processes ({@link ProcessCluster}), for a person to use
 * through Flink's web UI. {@code up} starts the broker, the JobManager and the TaskManagers, creates
 * the topics and submits {@code streamrec-job.jar} over REST with {@code config/cluster.yaml};
 * {@code status} lists the processes and jobs; {@code down} stops them all (their files stay in the
 * run directory); {@code taskmanager} adds one TaskManager (after a {@code kill -9} of another);
 * {@code jobmanager} starts the JobManager again (after a {@code kill -9}). With {@code --ha} a
 * ZooKeeper process joins them and Flink runs with ZooKeeper high availability.
 */
public final class ClusterCommand {

    private ClusterCommand() {}

    /** {@code cluster} and its actions as subcommands, printing to {@code out}. */
    public static CommandOptions options(PrintStream out) {
        ClusterSettings d = ClusterSettings.defaults(ClusterSettings.defaultRunDir());
        return CommandOptions.command("cluster", "Kafka and a Flink session cluster as separate processes on this "
                        + "machine (cluster <action> --help). Flink's jars come from docker/cluster-lib/target/lib and "
                        + "the job jar is streamrec-job.jar beside streamrec.jar (mvn -B -q package -DskipTests builds both).",
                        null)
                .examples("java -jar flink-jobs/target/streamrec.jar cluster up", "java -jar flink-jobs/target/streamrec.jar cluster status")
                .subcommand(withDir(CommandOptions.command("up", "Starts the broker, the JobManager and the TaskManagers, "
                                + "creates the topics, submits the job over REST and prints the web UI address.",
                                a -> up(a, dir(a), out)))
                        .integer("taskmanagers", d.taskManagers(), "TaskManager processes.")
                        .integer("slots", d.slotsPerTaskManager(), "Task slots per TaskManager.")
                        .integer("parallelism", d.parallelism(), "The job's parallelism.")
                        .integer("rest-port", d.restPort(), "Flink's REST API and web UI port.")
                        .integer("kafka-port", d.kafkaPort(), "The broker's client port.")
                        .path("job-config", null, "Job config (flat YAML; default config/cluster.yaml when run from the "
                                + "repository root).")
                        .flag("ha", false, "ZooKeeper high availability: a ZooKeeper process on --zookeeper-port, HA "
                                + "storage in the run directory; a new JobManager recovers the running job by itself.")
                        .integer("zookeeper-port", ClusterSettings.DEFAULT_ZOOKEEPER_PORT, "ZooKeeper's client port (with --ha).")
                        .flag("no-job", false, "Start the processes only; submit nothing.")
                        .examples("streamrec.jar cluster up --taskmanagers 2 --slots 2"))
                .subcommand(withDir(CommandOptions.command("status", "Lists the processes (exit 3 when none runs) and "
                                + "the jobs.", a -> status(cluster(ClusterSettings.load(dir(a))), out)))
                        .examples("streamrec.jar cluster status"))
                .subcommand(withDir(CommandOptions.command("down", "Stops every process; logs, broker data and "
                                + "checkpoints stay in the run directory.", a -> down(dir(a), out)))
                        .examples("streamrec.jar cluster down"))
                .subcommand(withDir(CommandOptions.command("taskmanager", "Starts one more TaskManager (e.g. after a "
                                + "kill -9 of another).", a -> addTaskManager(dir(a), out)))
                        .examples("streamrec.jar cluster taskmanager"))
                .subcommand(withDir(CommandOptions.command("jobmanager", "Starts the JobManager again (after a kill -9): "
                                + "with --ha it recovers the running jobs by itself, without it resubmit from the retained "
                                + "checkpoint (docs/ops.md).", a -> restartJobManager(dir(a), out)))
                        .examples("streamrec.jar cluster jobmanager"));
    }

    private static CommandOptions withDir(CommandOptions command) {
        return command.path("dir", ClusterSettings.defaultRunDir(), "The cluster's run directory (config, logs, pid "
                + "files, broker data, checkpoints).");
    }

    private static Path dir(CliArgs args) {
        return args.getPath("dir").toAbsolutePath();
    }

    private static int addTaskManager(Path dir, PrintStream out) throws Exception {
        ProcessCluster cluster = cluster(ClusterSettings.load(dir));
        int number = cluster.startNewTaskManager();
        out.println("started taskmanager-" + number + " (log " + cluster.taskManager(number).outFile().getParent() + ")");
        return 0;
    }

    private static int restartJobManager(Path dir, PrintStream out) throws Exception {
        ProcessCluster cluster = cluster(ClusterSettings.load(dir));
        cluster.startJobManager();
        out.println("JobManager up at " + cluster.settings().restUrl() + (cluster.settings().highAvailability()
                ? ": it recovers the jobs ZooKeeper holds" : ": no HA, resubmit the job from its newest checkpoint"));
        return 0;
    }

    private static int down(Path dir, PrintStream out) throws Exception {
        cluster(ClusterSettings.load(dir)).stop();
        out.println("cluster in " + dir + " stopped (logs, broker data and checkpoints kept there)");
        return 0;
    }

    private static int up(CliArgs args, Path dir, PrintStream out) throws Exception {
        ClusterSettings defaults = ClusterSettings.defaults(dir);
        ClusterSettings settings = defaults
                .withTaskManagers(args.getInt("taskmanagers"),
                        args.getInt("slots"),
                        args.getInt("parallelism"))
                .withPorts(args.getInt("rest-port"), defaults.jobManagerRpcPort(),
                        args.getInt("kafka-port"), defaults.kafkaControllerPort())
                .withHighAvailability(args.getBoolean("ha") ? args.getInt("zookeeper-port") : 0);
        Path base = args.has("job-config") ? args.getPath("job-config") : ClusterJobConfig.defaultBase();
        Path jobYaml = ClusterJobConfig.write(settings, base, Map.of());
        Configuration job = ClusterJobConfig.read(jobYaml);
        ProcessCluster cluster = cluster(settings);
        out.println("Starting Kafka, " + (settings.highAvailability() ? "ZooKeeper, " : "") + "the JobManager and "
                + settings.taskManagers() + " TaskManagers in " + dir + " ...");
        cluster.start(JobOptions.topics(job), job.get(JobOptions.TOPIC_PARTITIONS));
        out.println("Kafka at " + settings.bootstrapServers() + ", " + cluster.rest().taskManagers() + " TaskManagers registered");
        if (!args.getBoolean("no-job")) {
            Path jar = codeDir().resolve("streamrec-job.jar");
            if (!Files.exists(jar)) {
                throw new IllegalArgumentException(jar + " is missing: mvn -B -q package -DskipTests builds it");
            }
            out.println("Submitting " + jar.getFileName() + " with " + jobYaml + " (models " + job.get(JobOptions.MODELS) + ") ...");
            out.println("job " + cluster.submit(jar, ClusterJobConfig.programArgs(jobYaml), null) + " submitted");
        }
        out.println("Flink web UI: " + settings.restUrl() + "   logs: " + settings.logDir());
        out.println("Stop it with: java -jar streamrec.jar cluster down" + (dir.equals(ClusterSettings.defaultRunDir().toAbsolutePath()) ? "" : " --dir " + dir));
        return 0;
    }

    private static int status(ProcessCluster cluster, PrintStream out) throws Exception {
        int alive = 0;
        for (ClusterProcess p : cluster.processes()) {
            Optional<ProcessHandle> h = p.handle();
            alive += h.isPresent() ? 1 : 0;
            out.printf("%-16s %s%n", p.name(), h.map(x -> "running, pid " + x.pid()).orElse("not running"));
        }
        if (cluster.rest().isUp()) {
            out.println("web UI " + cluster.settings().restUrl() + ": " + cluster.rest().taskManagers() + " TaskManagers registered");
            cluster.rest().jobs().forEach(j -> out.printf("job %s %-10s %s%n", j.id(), j.state(), j.name()));
        } else {
            out.println("REST endpoint " + cluster.settings().restUrl() + " does not answer");
        }
        return alive > 0 ? 0 : 3;
    }

    private static ProcessCluster cluster(ClusterSettings settings) throws URISyntaxException {
        return new ProcessCluster(settings, flinkLib());
    }

    /** Flink's runtime jars, built by the module docker/cluster-lib. */
    public static Path flinkLib() throws URISyntaxException {
        return codeDir().resolve("../../docker/cluster-lib/target/lib").normalize();
    }

    /** The directory of streamrec.jar (flink-jobs/target), or of the classes when run from the build. */
    public static Path codeDir() throws URISyntaxException {
        return Path.of(ClusterCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
    }
}
