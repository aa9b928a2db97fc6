package dev.streamrec.jobs.finetune;

import dev.streamrec.jobs.config.KafkaClientProperties;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.ModelFamilies;
import dev.streamrec.model.cli.ModelFamily;
import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.metrics.MetricAccumulator;
import dev.streamrec.model.serving.Recommender;
import dev.streamrec.schema.event.InteractionEvent;
import dev.streamrec.schema.serde.DecodeResult;
import dev.streamrec.schema.serde.EventCodec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Streaming fine-tuning, off the hot path: a consumer of {@code interactions} (its own group,
 * read_committed) keeps a bounded window of recent events; on schedule the current model is
 * fine-tuned on the window's older part by its family, both versions are validated on the newest
 * held-out slice, and a candidate that is not worse than the serving model beyond the tolerance is
 * published (store + {@code model-updates}); a worse one is kept for inspection and not announced.
 * It runs in its own thread with its own model instances: serving never waits for it. The training
 * itself runs in a child JVM ({@link IsolatedFineTuning}): libtorch training next to inference
 * threads in one process was seen to diverge to NaN.
 */
public final class FineTuneLoop implements Runnable, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FineTuneLoop.class);

    /**
     * What one round did: events it trained on and held out, both versions' held-out NDCG@10, the
     * decision, its wall-clock seconds, the event time it ran at, and the items it added to the
     * catalogue (as the candidate's provenance reports them; 0 when the family does not grow it).
     * A round whose fine-tuning failed (e.g. diverged) has NaN for both NDCG values.
     */
    public record Round(String version, int trainEvents, int heldOut, double servingNdcg10, double candidateNdcg10,
            boolean published, double seconds, long eventTime, int newItems) {

        /** {@code published}, {@code rejected}, or {@code failed} (no candidate). */
        public String decision() {
            return published ? "published" : Double.isNaN(candidateNdcg10) ? "failed" : "rejected";
        }
    }

    private final KafkaClientProperties kafka;
    private final String topic;
    private final FineTuneSettings settings;
    private final ModelPublisher publisher;
    private final CliArgs trainOptions;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Round> rounds = new CopyOnWriteArrayList<>();
    private volatile ModelArtifact current;
    private final Thread thread;

    public FineTuneLoop(KafkaClientProperties kafka, String topic, ModelArtifact initial, FineTuneSettings settings,
            ModelPublisher publisher, CliArgs trainOptions) {
        this.kafka = kafka;
        this.topic = topic;
        this.current = initial;
        this.settings = settings;
        this.publisher = publisher;
        this.trainOptions = trainOptions;
        this.thread = new Thread(this, "fine-tune-" + initial.model());
        this.thread.setDaemon(true);
    }

    public FineTuneLoop start() {
        thread.start();
        return this;
    }

    public List<Round> rounds() {
        return rounds;
    }

    public ModelArtifact current() {
        return current;
    }

    /** The stream's consumer: its own group per model, committed events only, from the earliest. */
    public static Properties consumerConfig(KafkaClientProperties kafka, String model) {
        return kafka.client(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "streamrec-finetune-" + model,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
    }

    @Override
    public void run() {
        EventCodec codec = new EventCodec();
        ArrayDeque<Interaction> window = new ArrayDeque<>(settings.windowEvents());
        long sinceRound = 0;
        long lastRoundEventTime = Long.MIN_VALUE;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(kafka, current.model()))) {
            consumer.subscribe(List.of(topic));
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    DecodeResult<InteractionEvent> d = codec.decodeInteraction(r.value());
                    if (!d.isOk()) {
                        continue; // the job dead-letters it; the trainer just skips it
                    }
                    InteractionEvent e = d.value();
                    if (window.size() == settings.windowEvents()) {
                        window.removeFirst();
                    }
                    window.addLast(new Interaction(e.userId, e.itemId, e.timestamp, e.value == null ? 1.0 : e.value));
                    sinceRound++;
                    if (lastRoundEventTime == Long.MIN_VALUE) {
                        lastRoundEventTime = e.timestamp;
                    }
                    boolean due = sinceRound >= settings.everyEvents()
                            || e.timestamp - lastRoundEventTime >= settings.everyEventTime().toMillis();
                    if (due && window.size() >= Math.min(settings.windowEvents(), 100)) {
                        round(new ArrayList<>(window), e.timestamp);
                        sinceRound = 0;
                        lastRoundEventTime = e.timestamp;
                    }
                }
            }
        } catch (RuntimeException e) {
            if (running.get()) {
                LOG.error("fine-tuning loop stopped: {}", e.toString(), e);
            }
        }
    }

    /** One round: fine-tune, validate against the serving version, publish or reject. */
    void round(List<Interaction> window, long eventTime) {
        long t0 = System.nanoTime();
        window.sort(Interaction.REPLAY_ORDER);
        HeldOutSlice slice = HeldOutSlice.of(window, settings.heldOutFraction(), 50);
        ModelFamily family = ModelFamilies.forModel(current.model());
        String version = current.model() + "-ft-" + eventTime;
        ModelArtifact candidate;
        try {
            candidate = IsolatedFineTuning.fineTune(current, slice.training(), version,
                    publisher.versionDir(current.model(), version), trainOptions);
        } catch (Exception e) {
            LOG.error("fine-tuning round {} failed: {}", version, e.toString());
            rounds.add(new Round(version, slice.training().size(), slice.cases().size(), Double.NaN, Double.NaN, false,
                    (System.nanoTime() - t0) / 1e9, eventTime, 0));
            return;
        }
        try {
            double serving = ndcg10(family, current, slice);
            double fresh;
            try {
                fresh = ndcg10(family, candidate, slice);
            } catch (RuntimeException invalid) {
                LOG.error("fine-tuning round {}: candidate invalid ({}), rejected", version, invalid.getMessage());
                fresh = Double.NEGATIVE_INFINITY;
            }
            boolean publish = fresh >= serving - settings.tolerance();
            if (publish) {
                publisher.publish(candidate);
                current = candidate;
            } else {
                publisher.reject(candidate);
            }
            Round r = new Round(version, slice.training().size(), slice.cases().size(), serving, fresh, publish,
                    (System.nanoTime() - t0) / 1e9, eventTime,
                    candidate.config().path("training").path("newItems").asInt(0));
            rounds.add(r);
            LOG.info("fine-tuning round {}: NDCG@10 serving {} candidate {} -> {}", version, serving, fresh,
                    publish ? "published" : "rejected");
        } catch (Exception e) {
            LOG.error("fine-tuning round {} failed: {}", version, e.toString(), e);
        }
    }

    private double ndcg10(ModelFamily family, ModelArtifact artifact, HeldOutSlice slice) throws Exception {
        try (Recommender r = family.loadRecommender(artifact, settings.device())) {
            MetricAccumulator m = slice.evaluate(r, 128);
            return m.ndcg(10);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(60_000);
    }
}
