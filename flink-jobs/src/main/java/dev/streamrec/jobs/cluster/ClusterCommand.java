package dev.streamrec.jobs.cluster;

import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.model.cli.CliArgs;
import org.apache.flink.configuration.Configuration;

import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code streamrec.jar cluster up|status|down|taskmanager}: a Flink session cluster and a Kafka
 * broker on this machine as separate processes ({@link ProcessCluster}), for a person to use
 * through Flink's web UI. {@code up} starts the broker, the JobManager and the TaskManagers, creates
 * the topics and submits {@code streamrec-job.jar} over REST with {@code config/cluster.yaml};
 * {@code status} lists the processes and jobs; {@code down} stops them all (their files stay in the
 * run directory); {@code taskmanager} adds one TaskManager (after a {@code kill -9} of another).
 */
public final class ClusterCommand {

    private ClusterCommand() {}

    public static int run(List<String> argv, PrintStream out) throws Exception {
        if (argv.isEmpty() || !List.of("up", "status", "down", "taskmanager").contains(argv.get(0))) {
            out.println("usage: cluster up [--dir DIR --taskmanagers 2 --slots 2 --parallelism 2 --rest-port 8081 --kafka-port 9092");
            out.println("                   --job-config config/cluster.yaml --no-job]");
            out.println("       cluster status|down|taskmanager [--dir DIR]");
            out.println("  DIR defaults to " + ClusterSettings.defaultRunDir() + "; Flink's jars come from docker/cluster-lib/target/lib");
            out.println("  and the job jar from streamrec-job.jar beside streamrec.jar (mvn -B -q package -DskipTests builds both)");
            return 2;
        }
        CliArgs args = CliArgs.parse(argv.subList(1, argv.size()));
        Path dir = args.getPath("dir", ClusterSettings.defaultRunDir()).toAbsolutePath();
        switch (argv.get(0)) {
            case "up":
                return up(args, dir, out);
            case "status":
                return status(cluster(ClusterSettings.load(dir)), out);
            case "taskmanager":
                ProcessCluster cluster = cluster(ClusterSettings.load(dir));
                int number = cluster.startNewTaskManager();
                out.println("started taskmanager-" + number + " (log " + cluster.taskManager(number).outFile().getParent() + ")");
                return 0;
            default:
                cluster(ClusterSettings.load(dir)).stop();
                out.println("cluster in " + dir + " stopped (logs, broker data and checkpoints kept there)");
                return 0;
        }
    }

    private static int up(CliArgs args, Path dir, PrintStream out) throws Exception {
        ClusterSettings defaults = ClusterSettings.defaults(dir);
        ClusterSettings settings = defaults
                .withTaskManagers(args.getInt("taskmanagers", defaults.taskManagers()),
                        args.getInt("slots", defaults.slotsPerTaskManager()),
                        args.getInt("parallelism", defaults.parallelism()))
                .withPorts(args.getInt("rest-port", defaults.restPort()), defaults.jobManagerRpcPort(),
                        args.getInt("kafka-port", defaults.kafkaPort()), defaults.kafkaControllerPort());
        Path base = args.getPath("job-config", Files.exists(Path.of("config", "cluster.yaml")) ? Path.of("config", "cluster.yaml") : null);
        Path jobYaml = ClusterJobConfig.write(settings, base, Map.of());
        Configuration job = ClusterJobConfig.read(jobYaml);
        ProcessCluster cluster = cluster(settings);
        out.println("Starting Kafka, the JobManager and " + settings.taskManagers() + " TaskManagers in " + dir + " ...");
        cluster.start(JobOptions.topics(job), job.get(JobOptions.TOPIC_PARTITIONS));
        out.println("Kafka at " + settings.bootstrapServers() + ", " + cluster.rest().taskManagers() + " TaskManagers registered");
        if (!args.has("no-job")) {
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
    static Path flinkLib() throws URISyntaxException {
        return codeDir().resolve("../../docker/cluster-lib/target/lib").normalize();
    }

    /** The directory of streamrec.jar (flink-jobs/target), or of the classes when run from the build. */
    static Path codeDir() throws URISyntaxException {
        return Path.of(ClusterCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
    }
}
