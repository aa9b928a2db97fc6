package dev.streamrec.jobs.finetune;

import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.kafka.EmbeddedKafkaBroker;
import dev.streamrec.jobs.config.KafkaClientProperties;
import dev.streamrec.jobs.testutil.KafkaTestClient;
import dev.streamrec.jobs.testutil.TestJobs;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.cli.FineTuneCommand;
import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.data.MovieLens;
import dev.streamrec.schema.Topics;
import dev.streamrec.schema.event.ModelUpdate;
import dev.streamrec.schema.event.Prediction;
import dev.streamrec.schema.serde.EventCodec;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fine-tuning from the live stream: the loop reads interactions, fine-tunes the served SASRec on its
 * window, validates, publishes the new version to the store and model-updates, and the running job
 * swaps it in (predictions carry the new version, every event answered exactly once). A candidate
 * that fails validation is kept under rejected/ and never announced.
 */
class FineTuneLoopITCase {

    private static EmbeddedKafkaBroker broker;
    @TempDir
    static Path tmp;
    private static Path v1;
    private static List<Interaction> stream;

    @BeforeAll
    static void setUp() throws Exception {
        broker = EmbeddedKafkaBroker.start();
        broker.createTopics(1, TestJobs.ALL_TOPICS);
        TestJobs.writeMovieLensSlice(tmp.resolve("d.csv"), 3000);
        v1 = TestJobs.trainTinySasRec(tmp.resolve("d.csv"), tmp.resolve("v1"), 42);
        stream = MovieLens.bundled().interactions().subList(3000, 3900);
    }

    @AfterAll
    static void tearDown() {
        broker.close();
    }

    @Test
    void shouldPublishAndServeAFineTunedVersionWhileTheJobRuns() throws Exception {
        ModelArtifact initial = ModelArtifact.load(v1);
        Configuration conf = TestJobs.config(broker, tmp.resolve("job"));
        conf.set(JobOptions.MODELS, List.of("sasrec"));
        conf.set(JobOptions.ARTIFACTS, List.of(v1.toString()));
        Path store = tmp.resolve("store");
        KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers());
        EventCodec codec = new EventCodec();
        JobClient job = TestJobs.start(conf);
        FineTuneSettings settings = new FineTuneSettings(600, Duration.ofDays(3650), 900, 0.2, 1.0, store, "cpu");
        try (ModelPublisher publisher = new ModelPublisher(store, KafkaClientProperties.from(conf), Topics.MODEL_UPDATES, null);
                FineTuneLoop loop = new FineTuneLoop(KafkaClientProperties.from(conf), Topics.INTERACTIONS, initial, settings,
                        publisher, FineTuneCommand.roundOptions(initial).parse(List.of("--epochs", "1"))).start()) {
            List<String> keys = new ArrayList<>();
            List<byte[]> values = new ArrayList<>();
            for (int i = 0; i < 700; i++) {
                Interaction it = stream.get(i);
                keys.add(it.userId());
                values.add(TestJobs.event("f" + i, it.userId(), it.itemId(), it.timestampMillis()));
            }
            kafka.produce(Topics.INTERACTIONS, keys, values);
            long deadline = System.currentTimeMillis() + 180_000;
            while (loop.rounds().isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(500);
            }
            assertEquals(1, loop.rounds().size(), "one fine-tuning round");
            FineTuneLoop.Round round = loop.rounds().get(0);
            assertTrue(round.published(), "tolerance 1.0 publishes: " + round);
            assertTrue(Files.exists(store.resolve("sasrec").resolve(round.version()).resolve(ModelArtifact.MANIFEST)));
            List<ConsumerRecord<byte[], byte[]>> updates = kafka.readUntil(Topics.MODEL_UPDATES, r -> !r.isEmpty(),
                    Duration.ofSeconds(10));
            ModelUpdate u = codec.decodeModelUpdate(updates.get(0).value()).value();
            assertEquals(round.version(), u.version);
            assertEquals(ModelArtifact.load(store.resolve("sasrec").resolve(round.version())).sha256(), u.sha256);

            // Events after the swap are answered by the new version; every event exactly once.
            Thread.sleep(2000);
            keys.clear();
            values.clear();
            for (int i = 700; i < 900; i++) {
                Interaction it = stream.get(i);
                keys.add(it.userId());
                values.add(TestJobs.event("f" + i, it.userId(), it.itemId(), it.timestampMillis()));
            }
            kafka.produce(Topics.INTERACTIONS, keys, values);
            List<ConsumerRecord<byte[], byte[]>> preds = kafka.readUntil(Topics.PREDICTIONS, r -> r.size() >= 900,
                    Duration.ofSeconds(90));
            Map<String, Integer> perEvent = new HashMap<>();
            String lastVersion = null;
            for (ConsumerRecord<byte[], byte[]> r : preds) {
                Prediction p = codec.decodePrediction(r.value());
                perEvent.merge(p.eventId, 1, Integer::sum);
                lastVersion = p.modelVersion;
            }
            assertEquals(900, perEvent.size());
            perEvent.forEach((id, c) -> assertEquals(1, c, id));
            assertEquals(round.version(), lastVersion);

            // A candidate that must beat the serving model by 1.0 NDCG fails validation: kept, not announced.
            FineTuneSettings strict = new FineTuneSettings(600, Duration.ofDays(3650), 900, 0.2, -1.0, store, "cpu");
            FineTuneLoop judge = new FineTuneLoop(KafkaClientProperties.from(conf), Topics.INTERACTIONS, loop.current(), strict,
                    publisher, FineTuneCommand.roundOptions(initial).parse(List.of("--epochs", "1")));
            judge.round(new ArrayList<>(stream.subList(0, 900)), 42L);
            assertFalse(judge.rounds().get(0).published());
            assertTrue(Files.exists(store.resolve("sasrec").resolve("rejected").resolve(judge.rounds().get(0).version())));
            assertEquals(1, kafka.readFor(Topics.MODEL_UPDATES, Duration.ofSeconds(2)).size());
        } finally {
            job.cancel().get();
        }
    }
}
