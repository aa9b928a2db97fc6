package dev.streamrec.jobs.cluster;

import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.kafka.CommittedTopicsTail;
import dev.streamrec.jobs.config.KafkaClientProperties;
import dev.streamrec.jobs.local.ReplayEvents;
import dev.streamrec.model.data.Interaction;
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
 * next one only once the job emitted again after the previous one), and finally reads on until
 * every prediction is in and two more checkpoints have passed, so a duplicate would show. What a
 * {@code read_committed} reader saw of {@code predictions} and {@code dead-letters} is checked by
 * {@link DeliveryAudit}. {@code streamrec.jar chaos} and {@code ProcessClusterITCase} both run it.
 */
public final class ChaosScenario {

    /** How long the job may take to emit again after a fault, and to finish the stream after the last. */
    private static final Duration RECOVERY_LIMIT = Duration.ofMinutes(3);

    /** One event of the stream: its id (what the predictions name), Kafka key and encoded value. */
    public record Event(String id, byte[] key, byte[] value) {}

    private final List<Event> events;
    private final int warmup;
    private final double rate;
    private final List<ChaosFault> faults;
    private final List<String> models;
    private final PrintStream log;

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

    /** Submits {@code jobJar} with {@code jobArgs} (whose configuration is {@code job}) and runs the scenario. */
    public DeliveryAudit.Report run(ProcessCluster cluster, Configuration job, Path jobJar, List<String> jobArgs)
            throws Exception {
        String jarId = cluster.rest().uploadJar(jobJar);
        String jobId = cluster.rest().runJar(jarId, jobArgs, null);
        log.println("job " + jobId + " submitted; web UI " + cluster.settings().restUrl());
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
                        audit.prediction(p.eventId, p.model, r.timestamp());
                    } else {
                        audit.deadLetter();
                    }
                }).start()) {
            AtomicInteger sent = new AtomicInteger();
            send(kafka, interactions, 0, warmup, 0, sent);
            // the job runs and has committed a checkpoint: the warm-up's predictions are visible
            if (!await(() -> audit.predictions() >= warmup * models.size(), RECOVERY_LIMIT)) {
                throw new IllegalStateException("no predictions of the warm-up after " + RECOVERY_LIMIT.toSeconds()
                        + " s: is the job running? (logs in " + cluster.settings().logDir() + ")");
            }
            log.printf(Locale.ROOT, "warm-up of %,d events predicted; streaming %,d more at %.0f/s%n",
                    warmup, events.size() - warmup, rate);
            Thread stream = new Thread(() -> send(kafka, interactions, warmup, events.size(), rate, sent), "chaos-stream");
            stream.setDaemon(true);
            stream.start();
            int[] points = faultPoints(warmup, events.size(), faults.size());
            for (int i = 0; i < faults.size(); i++) {
                int point = points[i];
                while (sent.get() < point && stream.isAlive()) {
                    // no deadline: the stream ends by itself, however long --events / --rate makes it
                    Thread.sleep(100);
                }
                DeliveryAudit.Fault fault = new DeliveryAudit.Fault(describe(cluster, faults.get(i)), System.currentTimeMillis());
                log.printf(Locale.ROOT, "%,d events sent: %s%n", sent.get(), fault.name());
                jobId = inject(cluster, faults.get(i), jobId, jarId, jobArgs);
                injected.add(fault);
                // once the stream is over and every prediction in, nothing more is emitted
                if (!await(() -> audit.emittedAfter(fault.atMillis())
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
        return switch (fault) {
            case TASKMANAGER -> "kill -9 taskmanager-" + cluster.liveTaskManagers().get(0);
            case BROKER -> "kill -9 broker";
            case SAVEPOINT -> "savepoint, stop, resubmit";
        };
    }

    /** Injects {@code fault}; returns the id of the job that runs afterwards. */
    private String inject(ProcessCluster cluster, ChaosFault fault, String jobId, String jarId, List<String> jobArgs)
            throws Exception {
        switch (fault) {
            case TASKMANAGER -> {
                cluster.taskManager(cluster.liveTaskManagers().get(0)).kill();
                log.println("started taskmanager-" + cluster.startNewTaskManager());
                return jobId;
            }
            case BROKER -> {
                cluster.broker().kill();
                cluster.startBroker();
                log.println("broker restarted on its log directory");
                return jobId;
            }
            case SAVEPOINT -> {
                String next = cluster.savepointAndResubmit(jobId, jarId, jobArgs);
                log.println("job " + jobId + " stopped with a savepoint; job " + next + " runs from it");
                return next;
            }
            default -> throw new IllegalStateException("unknown fault " + fault);
        }
    }

    /** Sends events {@code from .. to-1} at {@code rate} per second (0: at once), counting them in {@code sent}. */
    private void send(KafkaClientProperties kafka, String topic, int from, int to, double rate, AtomicInteger sent) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.client(Map.of(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)))) {
            long start = System.currentTimeMillis();
            for (int i = from; i < to; i++) {
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
