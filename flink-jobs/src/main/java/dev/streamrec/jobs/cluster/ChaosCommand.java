package dev.streamrec.jobs.cluster;

import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.kafka.EmbeddedKafkaBroker;
import dev.streamrec.jobs.local.ReplayEvents;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.cli.CommandOptions;
import dev.streamrec.model.data.Interaction;
import org.apache.flink.configuration.Configuration;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code streamrec.jar chaos}: the fault-injection run. Starts a fresh process cluster (broker,
 * JobManager, TaskManagers as separate processes, on free ports) in its own run directory, replays
 * the first N events of MovieLens (or another dataset) through it at a steady rate while
 * {@link ChaosScenario} injects the faults, then prints {@link DeliveryAudit}'s table (events in,
 * predictions per model, missing, duplicated, dead letters, recovery time of each fault), stops the
 * cluster and exits 1 on any loss, duplicate, unknown prediction or dead letter.
 */
public final class ChaosCommand {

    private ChaosCommand() {}

    /** The {@code chaos} command, printing to {@code out}. */
    public static CommandOptions options(PrintStream out) {
        ClusterSettings d = ClusterSettings.defaults(defaultRunDir());
        return CommandOptions.command("chaos", "Fault injection: replays a bounded stream through a process cluster "
                                + "(as cluster up starts one) while it kills and restarts its parts, then checks that a "
                                + "read_committed reader saw exactly one prediction per event and model (exit 1 if not) "
                                + "and prints each fault's recovery time. Faults are spread evenly over the stream; give "
                                + "it about 20 s of stream (events / rate) per fault.",
                        a -> run(a, out))
                .integer("events", 10000, "Events replayed (the first N of the dataset, in time order).")
                .integer("warmup", 200, "Of those, sent at once before the faults; the run waits for their predictions.")
                .decimal("rate", 100, "Events/s of the rest.")
                .list("faults", "FAULT,...", "taskmanager,broker,savepoint", "Faults in order: " + ChaosFault.labels()
                        + " (kill -9 a TaskManager and start a new one; kill -9 the broker and restart it on its log "
                        + "directory; kill -9 the JobManager and start a new one, which recovers the job from ZooKeeper: "
                        + "needs --ha; stop the job with a savepoint and resubmit it from there: the same job, a changed "
                        + "version (top-k 10, processingMs, one more operator), or with parallelism N; kill -9 a "
                        + "TaskManager and deploy the next of --artifacts while it is down).")
                .flag("ha", false, "ZooKeeper high availability: a ZooKeeper process, HA storage in the run directory.")
                .text("models", "popularity,cooccurrence", "LIST", "The job's models that need no trained artifact.")
                .list("artifacts", "DIR,...", "", "Trained artifacts of one model (train --output), oldest first: the "
                        + "job serves the first too, each hotswap fault deploys the next.")
                .path("data", null, "MovieLens directory or interactions CSV (default: the bundled MovieLens).")
                .integer("taskmanagers", d.taskManagers(), "TaskManager processes.")
                .integer("slots", d.slotsPerTaskManager(), "Task slots per TaskManager.")
                .integer("parallelism", d.parallelism(), "The job's parallelism.")
                .path("dir", defaultRunDir(), "Run directory (emptied first; logs, broker data and checkpoints stay).")
                .examples("java -jar flink-jobs/target/streamrec.jar chaos",
                        "streamrec.jar chaos --events 3000 --rate 100 --faults broker",
                        "streamrec.jar chaos --ha --events 20000 --rate 100 --faults taskmanager,broker,jobmanager,upgrade,rescale:4,rescale:1");
    }

    /** {@code streamrec-chaos} in the system temp directory, beside {@code cluster up}'s. */
    static Path defaultRunDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "streamrec-chaos");
    }

    private static int run(CliArgs args, PrintStream out) throws Exception {
        Path dir = args.getPath("dir").toAbsolutePath();
        List<ChaosFault> faults = args.getList("faults").stream().map(ChaosFault::of).toList();
        List<Path> artifacts = args.getList("artifacts").stream().map(Path::of).map(Path::toAbsolutePath).toList();
        List<String> models = new ArrayList<>(List.of(args.get("models").split(",")));
        Map<String, String> jobOptions = new HashMap<>();
        if (!artifacts.isEmpty()) {
            models.add(ModelArtifact.load(artifacts.get(0)).model());
            jobOptions.put(JobOptions.ARTIFACTS.key(), artifacts.get(0).toString());
        }
        jobOptions.put(JobOptions.MODELS.key(), String.join(",", models));
        List<Path> deployed = artifacts.isEmpty() ? List.of() : artifacts.subList(1, artifacts.size());
        List<Interaction> all = ReplayEvents.load(args.has("data") ? args.getPath("data") : null);
        List<ChaosScenario.Event> events = ChaosScenario.events(all.subList(0, Math.min(args.getInt("events"), all.size())));
        Path jar = ClusterCommand.codeDir().resolve("streamrec-job.jar");
        if (!jar.toFile().exists()) {
            throw new IllegalArgumentException(jar + " is missing: mvn -B -q package -DskipTests builds it");
        }
        EmbeddedKafkaBroker.deleteRecursively(dir);
        int[] ports = EmbeddedKafkaBroker.freePorts(5);
        ClusterSettings settings = ClusterSettings.defaults(dir)
                .withTaskManagers(args.getInt("taskmanagers"), args.getInt("slots"), args.getInt("parallelism"))
                .withPorts(ports[0], ports[1], ports[2], ports[3])
                .withHighAvailability(args.getBoolean("ha") ? ports[4] : 0);
        ChaosScenario.check(faults, settings, deployed.size());
        Path jobYaml = ClusterJobConfig.write(settings, ClusterJobConfig.defaultBase(), jobOptions);
        Configuration job = ClusterJobConfig.read(jobYaml);
        ProcessCluster cluster = new ProcessCluster(settings, ClusterCommand.flinkLib());
        out.printf(Locale.ROOT, "Starting Kafka, %sthe JobManager and %d TaskManagers in %s ...%n",
                settings.highAvailability() ? "ZooKeeper, " : "", settings.taskManagers(), dir);
        DeliveryAudit.Report report = cluster.runThenStop(() -> {
            cluster.start(JobOptions.topics(job), job.get(JobOptions.TOPIC_PARTITIONS));
            return new ChaosScenario(events, args.getInt("warmup"), args.getDouble("rate"), faults, models, out)
                    .deploying(deployed)
                    .run(cluster, job, jar, jobYaml);
        });
        out.println();
        out.println("streamrec chaos: " + faults.stream().map(ChaosFault::label).toList() + ", "
                + settings.checkpointInterval().toSeconds() + "-s checkpoints" + (settings.highAvailability() ? ", ZooKeeper HA" : "")
                + ", logs in " + settings.logDir());
        report.print(out);
        out.println(report.clean() ? "exactly once: nothing lost, nothing duplicated"
                : "NOT exactly once: see missing / duplicated / unknown / dead letters above");
        return report.clean() ? 0 : 1;
    }
}
