package dev.streamrec.jobs.cluster;

import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.finetune.ModelPublisher;
import dev.streamrec.jobs.kafka.CommittedTopicsTail;
import dev.streamrec.jobs.config.KafkaClientProperties;
import dev.streamrec.jobs.local.ReplayEvents;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.data.Interaction;
import dev.streamrec.schema.event.ModelUpdate;
import dev.streamrec.schema.event.Prediction;
import dev.streamrec.schema.serde.EventCodec;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A bounded fault-injection run through a started {@link ProcessCluster}: submits the job, sends a
 * warm-up of events at once and waits until their predictions are committed, then streams the rest
 * at a steady rate while it injects each fault in turn at evenly spaced points of the stream (the
 * next one only once the job emitted again after the previous one was done; the stream holds at a
 * fault's point until then, so a slow recovery delays the rest instead of leaving a fault after the
 * stream's end), and finally reads on until
 * every prediction is in and two more checkpoints have passed, so a duplicate would show. What a
 * {@code read_committed} reader saw of {@code predictions} and {@code dead-letters} is checked by
 * {@link DeliveryAudit}, which also counts the predictions of the original and of the upgraded job
 * ({@link #UPGRADE}: the upgraded one writes {@code processingMs}) and, with hot swaps, those of each
 * version of the swapped model. {@code streamrec.jar chaos} and {@code ProcessClusterITCase} both run it.
 */
public final class ChaosScenario {

    /** How long the job may take to emit again after a fault, and to finish the stream after the last. */
    private static final Duration RECOVERY_LIMIT = Duration.ofMinutes(3);

    /**
     * What the {@code upgrade} fault changes in the job's configuration: a config change (top 10
     * instead of 20, {@code processingMs} in every prediction, which tells the upgraded job's
     * predictions apart) and a new operator in the graph ({@code chaos-fail-once} between the
     * sequence and the scoring operator, a pass-through here: its threshold is never reached). The
     * stateful operators keep their uids, so the savepoint restores all of their state.
     */
    static final Map<String, String> UPGRADE = Map.of(
            JobOptions.TOP_K.key(), "10",
            JobOptions.PROCESSING_LATENCY.key(), "true",
            JobOptions.CHAOS_FAIL_AFTER.key(), String.valueOf(Long.MAX_VALUE));

    /**
     * The job that runs now: its id, its uploaded jar and the config it was submitted with, and how
     * many of the hot-swap versions have been deployed.
     */
    private static final class RunningJob {
        private final Path jar;
        private String jarId;
        private String id;
        private Path config;
        private int deployed;

        private RunningJob(Path jar, Path config) {
            this.jar = jar;
            this.config = config;
        }
    }

    /** One event of the stream: its id (what the predictions name), Kafka key and encoded value. */
    public record Event(String id, byte[] key, byte[] value) {}

    private final List<Event> events;
    private final int warmup;
    private final double rate;
    private final List<ChaosFault> faults;
    private final List<String> models;
    private final PrintStream log;
    private List<Path> deployments = List.of();

    /**
     * {@code events} of which the first {@code warmup} go out at once and the rest at {@code rate}
     * events/s, {@code faults} injected in that order, {@code models} the job's (one prediction per
     * event each); progress is printed to {@code log}.
     */
    public ChaosScenario(List<Event> events, int warmup, double rate, List<ChaosFault> faults, List<String> models,
            PrintStream log) {
        if (warmup < 1 || warmup >= events.size()) {
            throw new IllegalArgumentException("the warm-up (" + warmup + ") must be at least 1 and fewer than the "
                    + events.size() + " events");
        }
        this.events = List.copyOf(events);
        this.warmup = warmup;
        this.rate = rate;
        this.faults = List.copyOf(faults);
        this.models = List.copyOf(models);
        this.log = log;
    }

    /**
     * The trained artifacts that the {@code hotswap} faults deploy, one each, in order: newer versions
     * of a model the job serves (one of its {@code models}); their predictions are counted per version.
     */
    public ChaosScenario deploying(List<Path> artifacts) {
        this.deployments = List.copyOf(artifacts);
        return this;
    }

    /** Interactions as the events a replay sends them (same ids, keyed by user). */
    public static List<Event> events(List<Interaction> interactions) {
        List<byte[]> encoded = ReplayEvents.encode(interactions, 0);
        List<Event> out = new ArrayList<>(encoded.size());
        for (int i = 0; i < encoded.size(); i++) {
            Interaction it = interactions.get(i);
            out.add(new Event(ReplayEvents.eventId(it), it.userId().getBytes(StandardCharsets.UTF_8), encoded.get(i)));
        }
        return out;
    }

    /**
     * The indexes of the events after which each of {@code faults} faults is injected: evenly spaced
     * in the streamed part ({@code warmup .. total-1}), none at its very start or end.
     */
    static int[] faultPoints(int warmup, int total, int faults) {
        int[] points = new int[faults];
        for (int i = 0; i < faults; i++) {
            points[i] = warmup + (int) ((long) (total - warmup) * (i + 1) / (faults + 1));
        }
        return points;
    }

    /**
     * Fails when {@code cluster} cannot take {@code faults}: a JobManager kill without high
     * availability (the job would die with the JobManager), a rescale beyond the cluster's slots, more
     * hot swaps than {@code deployments} versions to deploy.
     */
    static void check(List<ChaosFault> faults, ClusterSettings cluster, int deployments) {
        long swaps = faults.stream().filter(f -> f.kind() == ChaosFault.Kind.HOTSWAP).count();
        if (swaps > deployments) {
            throw new IllegalArgumentException(swaps + " hotswap faults need as many model versions to deploy; there are "
                    + deployments + " (--artifacts: the served version first, then one per hotswap)");
        }
        for (ChaosFault f : faults) {
            if (f.kind() == ChaosFault.Kind.JOBMANAGER && !cluster.highAvailability()) {
                throw new IllegalArgumentException("the jobmanager fault needs high availability (--ha): without it the "
                        + "job dies with its JobManager (docs/ops.md: resubmit from the retained checkpoint)");
            }
            int slots = cluster.taskManagers() * cluster.slotsPerTaskManager();
            if (f.parallelism() > slots) {
                throw new IllegalArgumentException(f.label() + " needs " + f.parallelism() + " slots; the cluster has "
                        + slots + " (--taskmanagers, --slots)");
            }
        }
    }

    /** Submits {@code jobJar} with the job config {@code jobYaml} (whose configuration is {@code job}) and runs the scenario. */
    public DeliveryAudit.Report run(ProcessCluster cluster, Configuration job, Path jobJar, Path jobYaml)
            throws Exception {
        check(faults, cluster.settings(), deployments.size());
        String swapped = deployments.isEmpty() ? null : ModelArtifact.load(deployments.get(0)).model();
        RunningJob running = new RunningJob(jobJar, jobYaml);
        running.jarId = cluster.rest().uploadJar(jobJar);
        running.id = cluster.rest().runJar(running.jarId, ClusterJobConfig.programArgs(jobYaml), null);
        log.println("job " + running.id + " submitted; web UI " + cluster.settings().restUrl());
        DeliveryAudit audit = new DeliveryAudit(events.stream().map(Event::id).toList(), models);
        EventCodec codec = new EventCodec();
        String predictions = job.get(JobOptions.TOPIC_PREDICTIONS);
        String interactions = job.get(JobOptions.TOPIC_INTERACTIONS);
        KafkaClientProperties kafka = KafkaClientProperties.from(job);
        List<DeliveryAudit.Fault> injected = new ArrayList<>();
        try (CommittedTopicsTail tail = new CommittedTopicsTail(kafka, "chaos-audit",
                List.of(predictions, job.get(JobOptions.TOPIC_DEAD_LETTERS)), r -> {
                    if (r.topic().equals(predictions)) {
                        Prediction p = codec.decodePrediction(r.value());
                        audit.prediction(p.eventId, p.model, p.model.equals(swapped) ? p.model + " " + p.modelVersion
                                : p.processingMs == null ? "original job" : "upgraded job", r.timestamp());
                    } else {
                        audit.deadLetter();
                    }
                }).start()) {
            AtomicInteger sent = new AtomicInteger();
            int[] points = faultPoints(warmup, events.size(), faults.size());
            // the stream holds at a fault's point until that fault is injected, so however long the
            // previous recoveries took, every fault has events after it
            AtomicInteger released = new AtomicInteger(points.length > 0 ? points[0] : events.size());
            send(kafka, interactions, 0, warmup, 0, sent, new AtomicInteger(warmup));
            // the job runs and has committed a checkpoint: the warm-up's predictions are visible
            if (!await(() -> audit.predictions() >= warmup * models.size(), RECOVERY_LIMIT)) {
                throw new IllegalStateException("no predictions of the warm-up after " + RECOVERY_LIMIT.toSeconds()
                        + " s: is the job running? (logs in " + cluster.settings().logDir() + ")");
            }
            log.printf(Locale.ROOT, "warm-up of %,d events predicted; streaming %,d more at %.0f/s%n",
                    warmup, events.size() - warmup, rate);
            Thread stream = new Thread(() -> send(kafka, interactions, warmup, events.size(), rate, sent, released),
                    "chaos-stream");
            stream.setDaemon(true);
            stream.start();
            for (int i = 0; i < faults.size(); i++) {
                int point = points[i];
                while (sent.get() < point && stream.isAlive()) {
                    // no deadline: the stream ends by itself, however long --events / --rate makes it
                    Thread.sleep(100);
                }
                DeliveryAudit.Fault fault = new DeliveryAudit.Fault(describe(cluster, faults.get(i)), System.currentTimeMillis());
                log.printf(Locale.ROOT, "%,d events sent: %s%n", sent.get(), fault.name());
                inject(cluster, job, faults.get(i), running);
                injected.add(fault);
                released.set(i + 1 < points.length ? points[i + 1] : events.size());
                // the job is back once it emitted after the fault was done (a job being stopped with a
                // savepoint still emits); once the stream is over and every prediction in, nothing more is emitted
                long done = System.currentTimeMillis();
                if (!await(() -> audit.emittedAfter(done)
                        || !stream.isAlive() && audit.predictions() >= audit.expectedPredictions(), RECOVERY_LIMIT)) {
                    log.println("no prediction after " + fault.name() + " within " + RECOVERY_LIMIT.toSeconds() + " s");
                }
            }
            stream.join();
            if (!await(() -> audit.predictions() >= audit.expectedPredictions(), RECOVERY_LIMIT)) {
                log.printf(Locale.ROOT, "only %,d of %,d predictions after %d s%n", audit.predictions(),
                        audit.expectedPredictions(), RECOVERY_LIMIT.toSeconds());
            }
            // a duplicate would come with a later checkpoint: read on past two more
            Thread.sleep(2 * cluster.settings().checkpointInterval().toMillis());
        }
        return audit.report(injected);
    }

    private static String describe(ProcessCluster cluster, ChaosFault fault) throws Exception {
        return switch (fault.kind()) {
            case TASKMANAGER -> "kill -9 taskmanager-" + cluster.liveTaskManagers().get(0);
            case BROKER -> "kill -9 broker";
            case JOBMANAGER -> "kill -9 jobmanager";
            case SAVEPOINT -> "savepoint, stop, resubmit";
            case UPGRADE -> "savepoint, stop, upgraded job";
            case RESCALE -> "savepoint, stop, rescale to " + fault.parallelism();
            case HOTSWAP -> "kill -9 taskmanager-" + cluster.liveTaskManagers().get(0) + ", deploy a model";
        };
    }

    /** Injects {@code fault} into the job of configuration {@code conf}; {@code job} is then the job that runs afterwards. */
    private void inject(ProcessCluster cluster, Configuration conf, ChaosFault fault, RunningJob job) throws Exception {
        switch (fault.kind()) {
            case HOTSWAP -> {
                cluster.taskManager(cluster.liveTaskManagers().get(0)).kill();
                try (ModelPublisher publisher = new ModelPublisher(null, KafkaClientProperties.from(conf),
                        conf.get(JobOptions.TOPIC_MODEL_UPDATES), null)) {
                    ModelUpdate u = publisher.publish(ModelArtifact.load(deployments.get(job.deployed++)));
                    log.println("deployed " + u.model + " " + u.version + " while a TaskManager was down");
                }
                log.println("started taskmanager-" + cluster.startNewTaskManager());
            }
            case TASKMANAGER -> {
                cluster.taskManager(cluster.liveTaskManagers().get(0)).kill();
                log.println("started taskmanager-" + cluster.startNewTaskManager());
            }
            case BROKER -> {
                cluster.broker().kill();
                cluster.startBroker();
                log.println("broker restarted on its log directory");
            }
            case JOBMANAGER -> {
                cluster.jobManager().kill();
                cluster.startJobManager();
                log.println("a new JobManager leads; it recovers job " + job.id + " from ZooKeeper by itself");
            }
            case SAVEPOINT, UPGRADE, RESCALE -> {
                Path config = switch (fault.kind()) {
                    case UPGRADE -> ClusterJobConfig.changed(job.config, "upgraded", UPGRADE);
                    case RESCALE -> ClusterJobConfig.changed(job.config, "parallelism-" + fault.parallelism(),
                            Map.of(JobOptions.PARALLELISM.key(), String.valueOf(fault.parallelism())));
                    default -> job.config;
                };
                if (!cluster.rest().hasJar(job.jarId)) {
                    // a new JobManager lists the jars of web.upload.dir: upload again if they are gone
                    job.jarId = cluster.rest().uploadJar(job.jar);
                }
                String next = cluster.savepointAndResubmit(job.id, job.jarId, ClusterJobConfig.programArgs(config));
                log.println("job " + job.id + " stopped with a savepoint; job " + next + " runs from it with " + config.getFileName());
                job.id = next;
                job.config = config;
            }
        }
    }

    /**
     * Sends events {@code from .. to-1} at {@code rate} per second (0: at once), counting them in
     * {@code sent}; waits before event number {@code released} until that number grows (the rate
     * resumes from there, with no burst).
     */
    private void send(KafkaClientProperties kafka, String topic, int from, int to, double rate, AtomicInteger sent,
            AtomicInteger released) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.client(Map.of(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)))) {
            long start = System.currentTimeMillis();
            for (int i = from; i < to; i++) {
                if (i >= released.get()) {
                    producer.flush();
                    long held = System.currentTimeMillis();
                    while (i >= released.get()) {
                        Thread.sleep(50);
                    }
                    start += System.currentTimeMillis() - held;
                }
                producer.send(new ProducerRecord<>(topic, events.get(i).key(), events.get(i).value()));
                sent.set(i + 1);
                long wait = rate > 0 ? start + (long) (1000.0 * (i - from + 1) / rate) - System.currentTimeMillis() : 0;
                if (wait > 0) {
                    Thread.sleep(wait);
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until {@code done} holds or {@code timeout} passed; returns whether it holds. */
    private static boolean await(BooleanSupplier done, Duration timeout) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(200);
        }
        return true;
    }
}
