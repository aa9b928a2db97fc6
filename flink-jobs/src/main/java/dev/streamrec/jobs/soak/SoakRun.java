package dev.streamrec.jobs.soak;

import dev.streamrec.jobs.cluster.ClusterJobConfig;
import dev.streamrec.jobs.cluster.ProcessCluster;
import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.config.KafkaClientProperties;
import dev.streamrec.jobs.finetune.FineTuneLoop;
import dev.streamrec.jobs.finetune.FineTuneReport;
import dev.streamrec.jobs.finetune.FineTuneSettings;
import dev.streamrec.jobs.finetune.ModelPublisher;
import dev.streamrec.jobs.kafka.CommittedTopicsTail;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.FineTuneCommand;
import dev.streamrec.model.cli.ModelCli;
import dev.streamrec.schema.event.Prediction;
import dev.streamrec.schema.serde.EventCodec;
import org.apache.flink.configuration.Configuration;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * One soak run through a started {@link ProcessCluster}. Before the cluster starts, {@link #trainModel}
 * trains a small SASRec on the stream's first events (they are not sent); then {@link #run} submits
 * the job (popularity, co-occurrence and that SASRec, {@code processingMs} in every prediction, the
 * soak's state TTL: {@link #jobOptions}), waits until it runs, and streams the rest of the
 * {@link SoakStream} at the soak's rate ({@link PacedSender}) while a {@link FineTuneLoop} fine-tunes
 * the SASRec every {@code fineTuneEvery} on the recent events and hot-swaps each version (it publishes
 * every candidate that trained: tolerance 1). Every sample interval it writes one CSV row
 * ({@link SoakCsv}): the cluster's state and memory ({@link ClusterProbe}), the interval's events/s and
 * p99 processing latency from the committed predictions ({@link LatencyWindow}), the events, users,
 * deletions sent and confirmed (read_committed from the confirmations topic) and the hot swaps seen
 * (SASRec versions in the predictions, less the first). After the stream it waits for the last
 * deletions' confirmations, then writes the charts ({@link SoakCharts}) and judges flatness
 * ({@link SoakReport}).
 */
public final class SoakRun {

    /** The trained model whose versions are hot-swapped. */
    static final String MODEL = "sasrec";

    /** A tiny SASRec: cheap to serve at the soak's rate on two cores and to fine-tune in a round. */
    static final List<String> TRAINING = List.of("--epochs", "1", "--dim", "16", "--max-len", "20", "--layers", "1",
            "--seed", "1");

    /** How long the job may take to run after its submission, and the last confirmations after the stream. */
    private static final Duration WAIT = Duration.ofMinutes(3);

    /** What a run gave: its samples, the verdict, and the counts a test or the exit code checks. */
    public record Result(List<SoakSample> samples, SoakReport report, long restarts, int deletionsSent,
            int deletionsConfirmed, int hotSwapsPublished, int versionsServed, List<FineTuneLoop.Round> rounds) {

        /** No restart, every deletion confirmed, every judged series flat. */
        public boolean passed() {
            return restarts == 0 && deletionsConfirmed == deletionsSent && report.flat();
        }
    }

    private final SoakSettings settings;
    private final PrintStream log;
    private final SoakStream stream;

    public SoakRun(SoakSettings settings, PrintStream log) {
        this.settings = settings;
        this.log = log;
        this.stream = new SoakStream(settings);
    }

    /**
     * Trains the served SASRec into {@code dir} on the stream's first {@code trainingEvents} events
     * (written to {@code training.csv} beside it, stamped one rate interval apart up to now); the
     * stream then goes on after them.
     */
    public ModelArtifact trainModel(Path dir) throws Exception {
        Files.createDirectories(dir.getParent());
        Path csv = dir.resolveSibling("training.csv");
        StringBuilder rows = new StringBuilder("userId,itemId,timestamp\n");
        long now = System.currentTimeMillis();
        long step = (long) Math.max(1, 1000 / settings.rate());
        int n = 0;
        while (n < settings.trainingEvents()) {
            if (stream.next() instanceof SoakStream.Event e) {
                rows.append(e.userId()).append(',').append(e.itemId()).append(',')
                        .append(now - (settings.trainingEvents() - n) * step).append('\n');
                n++;
            }
        }
        Files.writeString(csv, rows, StandardCharsets.UTF_8);
        log.printf(Locale.ROOT, "Training a small %s on the stream's first %,d events (%s) ...%n", MODEL, n, csv);
        List<String> args = new ArrayList<>(List.of("--model", MODEL, "--data", csv.toString(), "--output",
                dir.toString()));
        args.addAll(TRAINING);
        int code = ModelCli.run("train", args);
        if (code != 0) {
            throw new IllegalStateException("training the soak's " + MODEL + " failed with exit code " + code);
        }
        return ModelArtifact.load(dir);
    }

    /**
     * The job's settings for a soak: the baselines and the trained model at {@code artifact}, model
     * updates allowed from {@code store}, {@code processingMs} in predictions, the soak's state TTL and
     * baseline half-life.
     */
    public Map<String, String> jobOptions(Path artifact, Path store) throws java.io.IOException {
        Files.createDirectories(store);
        Map<String, String> o = new LinkedHashMap<>();
        o.put(JobOptions.MODELS.key(), "popularity,cooccurrence," + MODEL);
        o.put(JobOptions.ARTIFACTS.key(), artifact.toAbsolutePath().toString());
        o.put(JobOptions.ARTIFACT_ALLOWED_LOCATIONS.key(), artifact.toAbsolutePath().getParent().toUri() + ";"
                + store.toAbsolutePath().toUri());
        o.put(JobOptions.PROCESSING_LATENCY.key(), "true");
        o.put(JobOptions.STATE_TTL.key(), settings.stateTtl().toMillis() + " ms");
        o.put(JobOptions.POPULARITY_HALF_LIFE.key(), settings.baselineHalfLife().toMillis() + " ms");
        return o;
    }

    /**
     * Runs the soak: submits {@code jobJar} with {@code jobYaml} (configuration {@code job}), streams,
     * fine-tunes {@code initial} into {@code store}, samples into {@code output}/soak.csv and writes the
     * charts into {@code charts}.
     */
    public Result run(ProcessCluster cluster, Configuration job, Path jobJar, Path jobYaml, ModelArtifact initial,
            Path store, Path output, Path charts) throws Exception {
        String jobId = cluster.submit(jobJar, ClusterJobConfig.programArgs(jobYaml), null);
        log.println("job " + jobId + " submitted; web UI " + cluster.settings().restUrl());
        if (!await(() -> running(cluster, jobId), WAIT)) {
            throw new IllegalStateException("job " + jobId + " not running after " + WAIT.toSeconds() + " s (logs in "
                    + cluster.settings().logDir() + ")");
        }
        List<String> taskManagers = cluster.liveTaskManagers().stream().map(n -> "taskmanager-" + n).toList();
        KafkaClientProperties kafka = KafkaClientProperties.from(job);
        String predictions = job.get(JobOptions.TOPIC_PREDICTIONS);
        String confirmations = job.get(JobOptions.TOPIC_USER_DELETIONS_CONFIRMED);
        LatencyWindow latency = new LatencyWindow("popularity");
        Set<String> versions = ConcurrentHashMap.newKeySet();
        Set<String> confirmed = ConcurrentHashMap.newKeySet();
        EventCodec codec = new EventCodec();
        ClusterProbe probe = new ClusterProbe(cluster, jobId, taskManagers);
        List<SoakSample> samples = new ArrayList<>();
        FineTuneSettings tuning = new FineTuneSettings(Long.MAX_VALUE, settings.fineTuneEvery(),
                (int) Math.min(20_000, Math.max(1_000, settings.rate() * 300)), 0.1, 1.0, store, "cpu");
        CliArgs roundOptions = FineTuneCommand.roundOptions(initial).parse(List.of("--epochs", "1"));
        Files.createDirectories(output);
        try (CommittedTopicsTail tail = new CommittedTopicsTail(kafka, "soak-reader", List.of(predictions, confirmations),
                r -> {
                    if (r.topic().equals(predictions)) {
                        Prediction p = codec.decodePrediction(r.value());
                        latency.add(p.model, p.processingMs);
                        if (p.model.equals(MODEL)) {
                            versions.add(p.modelVersion);
                        }
                    } else {
                        confirmed.add(codec.decodeUserDeletionConfirmation(r.value()).requestId);
                    }
                }).start();
                ModelPublisher publisher = new ModelPublisher(store, kafka, job.get(JobOptions.TOPIC_MODEL_UPDATES), null);
                FineTuneLoop tuner = new FineTuneLoop(kafka, job.get(JobOptions.TOPIC_INTERACTIONS), initial, tuning,
                        publisher, roundOptions).start();
                PacedSender sender = new PacedSender(kafka, job.get(JobOptions.TOPIC_INTERACTIONS),
                        job.get(JobOptions.TOPIC_USER_DELETIONS), stream, settings.rate());
                SoakCsv csv = new SoakCsv(output.resolve("soak.csv"), SoakSample.columns(taskManagers))) {
            log.printf(Locale.ROOT, "streaming %.0f events/s for %d s, a sample every %d s, fine-tuning %s every %d s%n",
                    settings.rate(), settings.duration().toSeconds(), settings.sampleInterval().toSeconds(), MODEL,
                    settings.fineTuneEvery().toSeconds());
            long start = System.currentTimeMillis();
            sender.start(settings.duration());
            long previous = start;
            for (int i = 1; sender.isAlive(); i++) {
                long due = start + i * settings.sampleInterval().toMillis();
                while (System.currentTimeMillis() < due && sender.isAlive()) {
                    Thread.sleep(Math.min(200, Math.max(1, due - System.currentTimeMillis())));
                }
                long now = System.currentTimeMillis();
                if (now - previous < settings.sampleInterval().toMillis() / 2) {
                    break; // the stream ended just after the last sample
                }
                Map<String, Double> v = new LinkedHashMap<>(probe.sample());
                LatencyWindow.Window w = latency.take((now - previous) / 1000.0);
                previous = now;
                v.put(SoakSample.EVENTS_SENT, (double) sender.eventsSent());
                v.put(SoakSample.EVENTS_PER_SECOND, w.eventsPerSecond());
                v.put(SoakSample.P99_MS, w.p99Ms());
                v.put(SoakSample.HOT_SWAPS, (double) Math.max(0, versions.size() - 1));
                v.put(SoakSample.DELETIONS_SENT, (double) sender.deletionRequests().size());
                v.put(SoakSample.DELETIONS_CONFIRMED, (double) confirmed.size());
                v.put(SoakSample.USERS, (double) sender.users());
                SoakSample s = new SoakSample((now - start) / 1000.0, v);
                samples.add(s);
                csv.append(s);
                log.printf(Locale.ROOT, "%6.0f s  %,8.0f sent  %6.1f ev/s  p99 %6.0f ms  rocksdb %s  checkpoint %s in %.0f ms"
                                + "  heap %s  rss %s  restarts %.0f  swaps %.0f  deletions %.0f/%.0f%n",
                        s.elapsedSeconds(), s.get(SoakSample.EVENTS_SENT), w.eventsPerSecond(), w.p99Ms(),
                        SoakReport.human("bytes", s.get(SoakSample.ROCKSDB_BYTES)),
                        SoakReport.human("bytes", s.get(SoakSample.CHECKPOINT_BYTES)), s.get(SoakSample.CHECKPOINT_MS),
                        SoakReport.human("bytes", sum(s, taskManagers, SoakSample.HEAP)),
                        SoakReport.human("bytes", sum(s, taskManagers, SoakSample.RSS)),
                        s.get(SoakSample.RESTARTS), s.get(SoakSample.HOT_SWAPS), s.get(SoakSample.DELETIONS_CONFIRMED),
                        s.get(SoakSample.DELETIONS_SENT));
            }
            if (sender.failure() != null) {
                throw new IllegalStateException("the sender stopped: " + sender.failure(), sender.failure());
            }
            Set<String> requested = sender.deletionRequests();
            if (!await(() -> confirmed.containsAll(requested), WAIT)) {
                log.printf(Locale.ROOT, "only %d of %d deletions confirmed %d s after the stream%n",
                        requested.stream().filter(confirmed::contains).count(), requested.size(), WAIT.toSeconds());
            }
            List<FineTuneLoop.Round> rounds = List.copyOf(tuner.rounds());
            FineTuneReport.print(log, rounds);
            long restarts = (long) samples.stream().mapToDouble(x -> x.get(SoakSample.RESTARTS))
                    .filter(r -> !Double.isNaN(r)).max().orElse(0);
            SoakReport report = new SoakReport(samples, SoakReport.judged(taskManagers), settings.smoothingSamples());
            if (charts != null && !samples.isEmpty()) {
                SoakCharts.write(charts, samples, taskManagers, settings.sampleInterval().toSeconds(),
                        settings.smoothingSamples()).forEach(p -> log.println("chart " + p));
            }
            return new Result(samples, report, restarts, requested.size(),
                    (int) requested.stream().filter(confirmed::contains).count(),
                    (int) rounds.stream().filter(FineTuneLoop.Round::published).count(), versions.size(), rounds);
        }
    }

    private static double sum(SoakSample s, List<String> taskManagers, String what) {
        return taskManagers.stream().mapToDouble(tm -> s.get(SoakSample.taskManager(tm, what))).sum();
    }

    /** Whether the job and every one of its tasks are running. */
    private static boolean running(ProcessCluster cluster, String jobId) {
        return cluster.rest().json("/jobs/" + jobId).map(j -> "RUNNING".equals(j.path("state").asText())
                && j.path("vertices").size() > 0
                && java.util.stream.StreamSupport.stream(j.path("vertices").spliterator(), false)
                        .allMatch(v -> "RUNNING".equals(v.path("status").asText()))).orElse(false);
    }

    private static boolean await(BooleanSupplier done, Duration timeout) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(500);
        }
        return true;
    }
}
