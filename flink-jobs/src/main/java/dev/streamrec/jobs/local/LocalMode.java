package dev.streamrec.jobs.local;

import dev.streamrec.jobs.config.JobConfig;
import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.config.KafkaClientProperties;
import dev.streamrec.jobs.dashboard.DashboardServer;
import dev.streamrec.jobs.dashboard.DashboardTopics;
import dev.streamrec.jobs.kafka.EmbeddedKafkaBroker;
import dev.streamrec.jobs.finetune.FineTuneLoop;
import dev.streamrec.jobs.finetune.FineTuneReport;
import dev.streamrec.jobs.finetune.FineTuneSettings;
import dev.streamrec.jobs.finetune.ModelPublisher;
import dev.streamrec.jobs.scoring.ArtifactAllowList;
import dev.streamrec.jobs.scoring.ArtifactFetcher;
import dev.streamrec.jobs.scoring.RecommenderFactory;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.CommandOptions;
import dev.streamrec.model.cli.FineTuneCommand;
import dev.streamrec.model.cli.TrainingData;
import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.data.TimeCut;
import dev.streamrec.model.serving.Devices;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code streamrec.jar local}: the whole system on one machine. Starts a real KRaft broker in this
 * JVM, creates the topics, runs the recommender job on a Flink MiniCluster (RocksDB, checkpoints),
 * then either replays a dataset (MovieLens by default) in time order with a progress bar and ends
 * with a summary table, or ({@code --no-replay}) serves outside clients until Ctrl-C / SIGTERM.
 * A replay is cut in event time (by default 80% into it): the trained models it lacks are trained
 * on the events before the cut only, and the summary scores every model on the events after it too.
 */
public final class LocalMode {

    /**
     * Local-mode defaults that differ from a cluster's: short checkpoints for fast visibility, and
     * predictions that carry the job's processing latency for the summary.
     */
    static final Map<String, String> LOCAL_DEFAULTS = Map.of(
            JobOptions.MODELS.key(), "cooccurrence,sasrec,popularity",
            JobOptions.CHECKPOINT_INTERVAL.key(), "500 ms",
            JobOptions.EVAL_EMIT_EVERY.key(), "5000",
            JobOptions.PROCESSING_LATENCY.key(), "true");

    /**
     * The part of a replay (by time) that missing artifacts are trained on unless {@code
     * --train-fraction} or {@code --train-until} says otherwise: the rest is unseen by them.
     */
    static final double DEFAULT_TRAIN_FRACTION = 0.8;

    private final PrintStream out;

    public LocalMode(PrintStream out) {
        this.out = out;
    }

    /** The command and its options, running a {@link LocalMode} that prints to {@code out}. */
    public static CommandOptions options(PrintStream out) {
        CommandOptions c = CommandOptions.command("local", "Kafka + Flink + models on this machine: replays MovieLens "
                        + "in event time and prints a summary, or serves outside clients.", a -> new LocalMode(out).run(a))
                .integer("kafka-port", 0, "Fixed broker port (0 = a free port).")
                .flag("no-replay", false, "Serve until Ctrl-C/SIGTERM instead of replaying a dataset.")
                .integer("max-events", 0, "Replay only the first N events (0 = all).")
                .text("speed", "max", "X|max", "Replay rate in events/s.")
                .path("data", null, "MovieLens directory or interactions CSV (default: the bundled MovieLens).");
        declareJobOptions(c);
        c.text("fine-tune", null, "NAME", "Fine-tune served model NAME from the stream and hot-swap each version "
                        + "that passes validation.")
                .longInteger("fine-tune-every", 20_000, "Fine-tuning: a round every N events.")
                .longInteger("fine-tune-every-days", 3650, "Fine-tuning: a round at least every N days of event time.")
                .integer("fine-tune-window", 30_000, "Fine-tuning: a round trains on the last N events.")
                .decimal("fine-tune-tolerance", 0.002, "Fine-tuning: the held-out NDCG@10 a version may lose and still be swapped in.")
                .path("model-store", null, "Fine-tuning: where versions are kept (default: a new temp directory).")
                .text("model-store-uri", null, "URI", "Fine-tuning: also upload accepted versions to any Flink "
                        + "filesystem, e.g. s3://bucket/models, and announce that copy.")
                .integer("fine-tune-epochs", 1, "Fine-tuning: epochs per round.")
                .optionalDecimal("fine-tune-lr", "Fine-tuning: learning rate (default: the family's round default).")
                .optionalInteger("fine-tune-batch-size", "Fine-tuning: batch size (default: the family's).")
                .optionalInteger("fine-tune-patience", "Fine-tuning: patience (default: the family's).")
                .optionalFlag("fine-tune-grow-catalogue", "Fine-tuning (sequence models): learn the window's new items "
                        + "(default true).")
                .optionalDecimal(TrainingData.FRACTION, "Train the missing artifacts only on about the first F of the "
                        + "replayed events by time (default " + DEFAULT_TRAIN_FRACTION + "; 1 = on everything, no cut); "
                        + "the cut is a timestamp, artifacts are cached per cut, the whole stream is still replayed, and "
                        + "the summary scores every model on the events from the cut on beside the whole replay.")
                .optionalLong(TrainingData.UNTIL, "Same, with the cut given as epoch milliseconds.")
                .path("report-dir", null, "Also write NDCG@10 over event time per model (CSV and PNG chart).")
                .optionalInteger("dashboard-port", "Serve the live dashboard on http://127.0.0.1:P/ (0 = a free port).")
                .flag("dashboard-keep", false, "With a replay: keep serving the dashboard after the summary until Ctrl-C.")
                .examples("streamrec.jar local",
                        "streamrec.jar local --models cooccurrence,sasrec --max-events 20000 --report-dir report",
                        "streamrec.jar local --no-replay --kafka-port 9092 -Dscoring.batch-size=64");
        return c;
    }

    /**
     * Declares the job-configuration options {@link #configuration} reads: {@code --config},
     * {@code --models}/{@code --model}, {@code --artifact}, {@code --delivery} and {@code -Dkey=value}.
     */
    public static void declareJobOptions(CommandOptions c) {
        c.path("config", null, "Job config (flat YAML, see config/local.yaml).")
                .text("models", null, "A,B", "Models side by side, champion first (default "
                        + LOCAL_DEFAULTS.get(JobOptions.MODELS.key()) + "); trained models without --artifact: the "
                        + "default run's SASRec ships in the jar, the others are trained small once and cached.")
                .text("model", null, "A[,B]", "Same as --models.")
                .text("artifact", null, "DIR[,DIR]", "Artifacts of the trained models named in --models.")
                .text("delivery", null, "exactly-once|at-least-once", "Delivery guarantee (default: the job config's).")
                .properties("Any job option (see config/local.yaml), repeatable.");
    }

    /** Parses {@code argv} against {@link #options} and runs. */
    public int run(List<String> argv) throws Exception {
        return run(options(out).parse(argv));
    }

    /** Runs with the options parsed against {@link #options}. */
    public int run(CliArgs args) throws Exception {
        Configuration conf = configuration(args);
        checkDevice(conf);
        Path data = args.getPath("data");
        boolean replaying = !args.getBoolean("no-replay");
        List<Interaction> all = replaying || args.has(TrainingData.FRACTION) ? ReplayEvents.load(data) : null;
        List<Interaction> replayed = replaying ? all.subList(0, replayedCount(all, args)) : all;
        TimeCut cut = trainingCut(args, replayed, replaying);
        checkArtifacts(conf); // the given ones, before anything is printed or trained
        if (cut != null) {
            conf.set(JobOptions.EVAL_CUT, cut.untilMillis());
            out.println("Training cut: " + (replaying ? ReplayCut.of(cut, replayed).describe()
                    : Instant.ofEpochMilli(cut.untilMillis()) + " (" + cut.untilMillis() + ")")
                    + "; models trained here see only the events before it");
        }
        trainMissingArtifacts(conf, cut, data);
        checkArtifacts(conf); // and the ones trained now
        Path store = fineTuneStore(args, conf);
        try (LocalStack stack = LocalStack.start(conf, args.getInt("kafka-port"), out);
                FineTuneLoop fineTune = startFineTuning(args, conf, store);
                DashboardServer dashboard = startDashboard(args, conf)) {
            int code = replaying ? replay(stack.job(), args, conf, replayed, cut) : serve(stack, conf);
            if (fineTune != null) {
                FineTuneReport.print(out, fineTune.rounds());
            }
            if (dashboard != null && args.getBoolean("dashboard-keep") && replaying) {
                out.println("Dashboard still at " + dashboard.url() + " (Ctrl-C to stop)");
                awaitShutdown();
            }
            return code;
        }
    }

    /** {@code --dashboard-port P}: the live dashboard on 127.0.0.1; null when not asked for. */
    private DashboardServer startDashboard(CliArgs args, Configuration conf) throws Exception {
        if (!args.has("dashboard-port")) {
            return null;
        }
        DashboardServer dashboard = DashboardServer.start(KafkaClientProperties.from(conf),
                DashboardTopics.of(conf), DashboardServer.DEFAULT_HOST, args.getInt("dashboard-port"));
        out.println("Dashboard: " + dashboard.url());
        return dashboard;
    }

    /**
     * With {@code --fine-tune}: the model store ({@code --model-store}, else a new temp directory),
     * which the job is told to take model updates from, besides its upload URI and the job's own
     * allowed locations ({@code models.artifact-allowed-locations}); null without.
     */
    static Path fineTuneStore(CliArgs args, Configuration conf) throws IOException {
        if (!args.has("fine-tune")) {
            return null;
        }
        Path store = args.has("model-store") ? args.getPath("model-store") : Files.createTempDirectory("streamrec-model-store-");
        List<String> allowed = new ArrayList<>(ArtifactAllowList.locations(conf));
        allowed.add(store.toAbsolutePath().toUri().toString());
        if (args.get("model-store-uri") != null && !args.get("model-store-uri").isBlank()) {
            allowed.add(args.get("model-store-uri"));
        }
        conf.set(JobOptions.ARTIFACT_ALLOWED_LOCATIONS, allowed);
        return store;
    }

    /**
     * {@code --fine-tune NAME}: fine-tunes the served model NAME from the stream (every
     * {@code --fine-tune-every} events, on the last {@code --fine-tune-window} events) and hot-swaps
     * each version that passes validation; null when not asked for.
     */
    private FineTuneLoop startFineTuning(CliArgs args, Configuration conf, Path store) throws Exception {
        if (store == null) {
            return null;
        }
        String name = args.get("fine-tune");
        List<String> models = conf.get(JobOptions.MODELS);
        List<String> artifacts = conf.getOptional(JobOptions.ARTIFACTS).orElse(List.of());
        int slot = 0;
        String artifact = null;
        for (String entry : models) {
            if (RecommenderFactory.isBaseline(entry)) {
                continue;
            }
            if (RecommenderFactory.nameOf(entry).equals(name)) {
                artifact = artifacts.get(slot);
            }
            slot++;
        }
        if (artifact == null) {
            throw new IllegalArgumentException("--fine-tune " + name + ": not a trained model served here " + models);
        }
        ModelArtifact initial = ModelArtifact.load(Path.of(artifact));
        FineTuneSettings settings = new FineTuneSettings(args.getLong("fine-tune-every"),
                java.time.Duration.ofDays(args.getLong("fine-tune-every-days")),
                args.getInt("fine-tune-window"), 0.1, args.getDouble("fine-tune-tolerance"), store,
                conf.get(JobOptions.DEVICE));
        out.println("Fine-tuning " + name + " every " + settings.everyEvents() + " events on the last "
                + settings.windowEvents() + " (model store " + store + ")");
        ModelPublisher publisher = new ModelPublisher(store, KafkaClientProperties.from(conf),
                conf.get(JobOptions.TOPIC_MODEL_UPDATES), name).uploadingTo(args.get("model-store-uri"));
        return new FineTuneLoop(KafkaClientProperties.from(conf), conf.get(JobOptions.TOPIC_INTERACTIONS),
                initial, settings, publisher, fineTuneOptions(args, initial)).start();
    }

    /**
     * The round options of {@code initial}'s family from {@code --fine-tune-epochs} etc.; one the family
     * does not read (e.g. {@code --fine-tune-grow-catalogue} for BM3) is refused.
     */
    static CliArgs fineTuneOptions(CliArgs args, ModelArtifact initial) {
        List<String> options = new ArrayList<>(List.of("--epochs", args.get("fine-tune-epochs")));
        for (String name : List.of("lr", "batch-size", "patience", "grow-catalogue")) {
            if (args.has("fine-tune-" + name)) {
                options.addAll(List.of("--" + name, args.get("fine-tune-" + name)));
            }
        }
        try {
            return FineTuneCommand.roundOptions(initial).parse(options);
        } catch (picocli.CommandLine.ParameterException e) {
            throw new IllegalArgumentException("--fine-tune " + initial.model() + ": " + e.getMessage(), e);
        }
    }

    /** How many of the loaded events a replay sends: {@code --max-events N}, else all. */
    private static int replayedCount(List<Interaction> all, CliArgs args) {
        int max = args.getInt("max-events");
        return max > 0 ? Math.min(max, all.size()) : all.size();
    }

    /**
     * The time before which missing artifacts are trained and from which the evaluation also counts
     * apart: {@code --train-until MILLIS}, else {@code --train-fraction F} of {@code events} (the
     * replayed ones, in replay order), by default {@link #DEFAULT_TRAIN_FRACTION} when replaying.
     * Null for no cut: a fraction of 1 (or a cut after every event), or serving without either option.
     */
    static TimeCut trainingCut(CliArgs args, List<Interaction> events, boolean replaying) {
        TimeCut cut = TrainingData.cut(args, events).orElse(null);
        if (cut == null && replaying && !events.isEmpty()) {
            cut = TimeCut.atFraction(events, DEFAULT_TRAIN_FRACTION);
        }
        return cut == null || cut.untilMillis() == Long.MAX_VALUE ? null : cut;
    }

    /**
     * Trained models named without an artifact get one (cached, or trained small now), on the events
     * before {@code cut} when there is one.
     */
    private void trainMissingArtifacts(Configuration conf, TimeCut cut, Path data) throws Exception {
        List<String> artifacts = new ArrayList<>(conf.getOptional(JobOptions.ARTIFACTS).orElse(List.of()));
        int given = artifacts.size();
        int needed = 0;
        ArtifactBootstrap bootstrap = new ArtifactBootstrap(out);
        for (String m : conf.get(JobOptions.MODELS)) {
            if (RecommenderFactory.isBaseline(m)) {
                continue;
            }
            if (++needed > given) {
                artifacts.add(bootstrap.artifactFor(RecommenderFactory.modelOf(m), cut, data).toString());
            }
        }
        if (artifacts.size() > given) {
            conf.set(JobOptions.ARTIFACTS, artifacts);
        }
    }

    /**
     * Fails before anything starts (training included) when the models' device is not on this
     * machine, which runs the job too: the job would otherwise fail in every restart of its
     * scoring task first.
     */
    static void checkDevice(Configuration conf) {
        try {
            Devices.available(conf.get(JobOptions.DEVICE));
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Fails before the job starts when a given artifact is not one (missing, incomplete, corrupt). */
    static void checkArtifacts(Configuration conf) {
        for (String artifact : conf.getOptional(JobOptions.ARTIFACTS).orElse(List.of())) {
            Path dir = ArtifactFetcher.localPath(artifact).orElse(null);
            if (dir == null) {
                continue; // fetched by the task from its filesystem
            }
            try {
                ModelArtifact.load(dir);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
    }

    /** The job configuration of a local run: defaults, local defaults, --config, command-line overrides. */
    public static Configuration configuration(CliArgs args) throws Exception {
        Map<String, String> overrides = new HashMap<>(LOCAL_DEFAULTS);
        Configuration fromFile = JobConfig.load(args.getPath("config"), Map.of());
        overrides.putAll(fromFile.toMap());
        if (args.has("models") || args.has("model")) {
            overrides.put(JobOptions.MODELS.key(), args.has("models") ? args.get("models") : args.get("model"));
        }
        if (args.has("artifact")) {
            overrides.put(JobOptions.ARTIFACTS.key(), args.get("artifact"));
        }
        if (args.has("delivery")) {
            overrides.put(JobOptions.DELIVERY.key(),
                    args.get("delivery").toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }
        overrides.putAll(args.properties());
        return JobConfig.load(null, overrides);
    }

    private int serve(LocalStack stack, Configuration conf) throws InterruptedException {
        EmbeddedKafkaBroker broker = stack.broker();
        JobClient job = stack.job();
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(stop::countDown, "streamrec-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println();
        out.println("Serving. Bootstrap servers: " + broker.bootstrapServers());
        out.println("  produce interaction JSON to '" + conf.get(JobOptions.TOPIC_INTERACTIONS) + "' (key = userId)");
        out.println("  read '" + conf.get(JobOptions.TOPIC_PREDICTIONS) + "', '" + conf.get(JobOptions.TOPIC_DEAD_LETTERS)
                + "', '" + conf.get(JobOptions.TOPIC_EVAL_METRICS) + "' with isolation.level=read_committed");
        out.println("  e.g. echo '{\"userId\":\"u1\",\"itemId\":\"i1\",\"timestamp\":" + System.currentTimeMillis()
                + ",\"type\":\"view\"}' | kcat -P -b " + broker.bootstrapServers() + " -t "
                + conf.get(JobOptions.TOPIC_INTERACTIONS) + " -k u1");
        out.println("Press Ctrl-C (or send SIGTERM) to stop.");
        while (!stop.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
            java.util.Optional<String> stopped = JobFailure.ifStopped(job);
            if (stopped.isPresent()) {
                out.println("The job stopped: " + stopped.get());
                return 1;
            }
        }
        out.println("Shutting down...");
        return 0;
    }

    private int replay(JobClient job, CliArgs args, Configuration conf, List<Interaction> replayed, TimeCut cut)
            throws Exception {
        Path data = args.getPath("data");
        List<byte[]> events = ReplayEvents.encode(replayed, 0);
        String speed = args.get("speed");
        double rate = speed.equals("max") ? 0 : Double.parseDouble(speed);
        out.println("Replaying " + events.size() + " events from " + (data == null ? "MovieLens latest-small (bundled)" : data)
                + " in time order at " + (rate == 0 ? "full speed" : rate + " events/s"));
        ReplayRun.Result r = ReplayRun.run(job, conf, replayed, events, rate, out);
        boolean exactlyOnce = conf.get(JobOptions.DELIVERY) == JobOptions.DeliveryGuarantee.EXACTLY_ONCE;
        SummaryTable.print(out, "streamrec local replay", r, (rate == 0
                ? "at full speed mostly the wait behind the replay's backlog in Kafka; " : "")
                + (exactlyOnce ? "exactly-once: visible when a checkpoint commits, every "
                        + conf.get(JobOptions.CHECKPOINT_INTERVAL).toMillis() + " ms" : "at-least-once"),
                cut == null ? null : ReplayCut.of(cut, replayed));
        if (r.failed()) {
            out.println("\nThe replay stopped early: " + r.jobFailure());
            return 1;
        }
        if (args.has("report-dir")) {
            QualityOverTime.write(args.getPath("report-dir"), r.windows(), cut, out);
        }
        return 0;
    }

    private static void awaitShutdown() throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "streamrec-dashboard-shutdown"));
        stop.await();
    }
}
