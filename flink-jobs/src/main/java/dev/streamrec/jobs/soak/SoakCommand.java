package dev.streamrec.jobs.soak;

import dev.streamrec.jobs.cluster.ClusterCommand;
import dev.streamrec.jobs.cluster.ClusterJobConfig;
import dev.streamrec.jobs.cluster.ClusterSettings;
import dev.streamrec.jobs.cluster.ProcessCluster;
import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.kafka.EmbeddedKafkaBroker;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.CommandOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.TimeUtils;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code streamrec.jar soak}: the long run. Trains a small SASRec on the generated stream's first
 * events, starts a fresh process cluster (broker, JobManager, two TaskManagers as separate processes,
 * on free ports) in its own run directory, and runs {@link SoakRun} through it; then prints the
 * fine-tuning rounds and {@link SoakReport}'s tables, stops the cluster and exits 1 on a job restart,
 * an unconfirmed deletion or a judged series that is not flat. The CSV stays in {@code --output},
 * the charts go to {@code --charts}.
 */
public final class SoakCommand {

    private SoakCommand() {}

    /** The {@code soak} command, printing to {@code out}. */
    public static CommandOptions options(PrintStream out) {
        SoakSettings d = SoakSettings.defaults();
        return CommandOptions.command("soak", "Soak run: a generated stream (growing users, churning items, deletion "
                                + "requests) through a process cluster for a long time with periodic fine-tuning and hot "
                                + "swaps, sampling state size, checkpoints, TaskManager memory, events/s and p99 latency; "
                                + "exit 1 on a restart, an unconfirmed deletion or state/memory that is not flat (±10%% "
                                + "over the last half hour, or the last half of a shorter run).",
                        a -> run(a, out))
                .text("duration", "1h", "DURATION", "How long the stream runs (e.g. 90s, 5m, 1h).")
                .decimal("rate", d.rate(), "Events/s sent.")
                .text("sample", "30s", "DURATION", "Sample interval.")
                .text("smoothing", "3m", "DURATION", "Span of the rolling min/max/mean a series is judged by.")
                .text("state-ttl", "10m", "DURATION", "The job's sequence.state-ttl: users idle this long lose their state.")
                .text("baseline-half-life", "1m", "DURATION", "The job's baseline.half-life: popularity and "
                        + "co-occurrence forget retired items' counts after about 10 half-lives.")
                .text("fine-tune-every", "10m", "DURATION", "A fine-tuning round (and hot swap) of the SASRec this often.")
                .integer("deletion-every", d.deletionEvery(), "A deletion request every N events.")
                .longInteger("seed", d.seed(), "Seed of the generated stream.")
                .path("output", Path.of("soak-output"), "Directory of soak.csv (one row per sample, written as it goes).")
                .path("charts", Path.of("docs", "img"), "Directory of the PNG charts (soak-*.png).")
                .path("dir", defaultRunDir(), "Run directory (emptied first; logs, broker data, checkpoints, models stay).")
                .examples("java -jar flink-jobs/target/streamrec.jar soak",
                        "streamrec.jar soak --duration 5m --output /tmp/soak5 --charts /tmp/soak5",
                        "streamrec.jar soak --duration 2h --rate 50 --state-ttl 5m");
    }

    /** {@code streamrec-soak} in the system temp directory, beside {@code chaos}'s. */
    static Path defaultRunDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "streamrec-soak");
    }

    /** The soak's settings from the command's options. */
    static SoakSettings settings(CliArgs args) {
        return SoakSettings.defaults()
                .withDuration(duration(args, "duration"))
                .withPacing(args.getDouble("rate"), duration(args, "sample"), duration(args, "smoothing"),
                        duration(args, "state-ttl"), duration(args, "baseline-half-life"), duration(args, "fine-tune-every"))
                .withDeletionsAndSeed(args.getInt("deletion-every"), args.getLong("seed"));
    }

    private static Duration duration(CliArgs args, String name) {
        return TimeUtils.parseDuration(args.get(name));
    }

    private static int run(CliArgs args, PrintStream out) throws Exception {
        SoakSettings settings = settings(args);
        Path dir = args.getPath("dir").toAbsolutePath();
        Path jar = ClusterCommand.codeDir().resolve("streamrec-job.jar");
        if (!jar.toFile().exists()) {
            throw new IllegalArgumentException(jar + " is missing: mvn -B -q package -DskipTests builds it");
        }
        EmbeddedKafkaBroker.deleteRecursively(dir);
        int[] ports = EmbeddedKafkaBroker.freePorts(4);
        ClusterSettings cluster = ClusterSettings.defaults(dir).withPorts(ports[0], ports[1], ports[2], ports[3]);
        SoakRun soak = new SoakRun(settings, out);
        ModelArtifact model = soak.trainModel(dir.resolve("model").resolve("sasrec-initial"));
        Path store = dir.resolve("model-store");
        Path jobYaml = ClusterJobConfig.write(cluster, ClusterJobConfig.defaultBase(),
                soak.jobOptions(model.dir(), store));
        Configuration job = ClusterJobConfig.read(jobYaml);
        ProcessCluster processes = new ProcessCluster(cluster, ClusterCommand.flinkLib());
        out.printf(Locale.ROOT, "Starting Kafka, the JobManager and %d TaskManagers in %s ...%n",
                cluster.taskManagers(), dir);
        SoakRun.Result result = processes.runThenStop(() -> {
            processes.start(JobOptions.topics(job), job.get(JobOptions.TOPIC_PARTITIONS));
            return soak.run(processes, job, jar, jobYaml, model, store, args.getPath("output"), args.getPath("charts"));
        });
        out.println();
        out.printf(Locale.ROOT, "streamrec soak: %d s at %.0f events/s, state TTL %d s, %d samples in %s, logs in %s%n",
                settings.duration().toSeconds(), settings.rate(), settings.stateTtl().toSeconds(),
                result.samples().size(), args.getPath("output").resolve("soak.csv"), cluster.logDir());
        result.report().print(out);
        out.printf(Locale.ROOT, "%nrestarts %d; deletions confirmed %d of %d; fine-tuned versions published %d, "
                        + "%s versions seen in predictions %d%n", result.restarts(), result.deletionsConfirmed(),
                result.deletionsSent(), result.hotSwapsPublished(), SoakRun.MODEL, result.versionsServed());
        out.println(result.passed() ? "soak passed: no restart, every deletion confirmed, state and memory flat"
                : "soak FAILED: see restarts, deletions and the verdicts above");
        return result.passed() ? 0 : 1;
    }
}
