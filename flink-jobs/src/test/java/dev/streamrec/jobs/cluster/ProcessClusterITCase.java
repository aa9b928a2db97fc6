package dev.streamrec.jobs.cluster;

import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.kafka.CommittedTopicsTail;
import dev.streamrec.jobs.kafka.EmbeddedKafkaBroker;
import dev.streamrec.jobs.testutil.TestJobs;
import dev.streamrec.schema.event.Prediction;
import dev.streamrec.schema.serde.EventCodec;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job on a real multi-process cluster: a broker, a JobManager and two TaskManagers of two slots
 * as separate JVMs (RocksDB, 5-s checkpoints, the job's parallelism 2 spread over both), the job jar
 * submitted over REST. Events stream in at
 * 100/s; mid-stream one TaskManager is {@code kill -9}ed and a new one started. A read_committed
 * reader must then see exactly one prediction per event and model, and the recovery time is
 * printed. Runs after {@code package} (it needs streamrec-job.jar and docker/cluster-lib/target/lib): the
 * {@code cluster-tests} execution in flink-jobs/pom.xml.
 */
class ProcessClusterITCase {

    private static final Path JOB_JAR = Path.of("target", "streamrec-job.jar");
    private static final Path FLINK_LIB = Path.of("..", "docker", "cluster-lib", "target", "lib");
    private static final List<String> MODELS = List.of("popularity", "cooccurrence");
    private static final int WARMUP_EVENTS = 100;
    private static final int STREAM_EVENTS = 2000;
    private static final double RATE = 100;

    @Test
    void shouldDeliverEveryPredictionOnceThroughATaskManagerKill() throws Exception {
        assertTrue(Files.exists(JOB_JAR) && Files.isDirectory(FLINK_LIB),
                "build first: mvn -B -o -q package -DskipTests (streamrec-job.jar, docker/cluster-lib/target/lib)");
        Path runDir = Path.of("target", "process-cluster-it").toAbsolutePath();
        EmbeddedKafkaBroker.deleteRecursively(runDir);
        int[] ports = EmbeddedKafkaBroker.freePorts(4);
        ClusterSettings settings = ClusterSettings.defaults(runDir).withPorts(ports[0], ports[1], ports[2], ports[3]);
        ProcessCluster cluster = new ProcessCluster(settings, FLINK_LIB);
        try {
            Path jobYaml = ClusterJobConfig.write(settings, Path.of("..", "config", "cluster.yaml"),
                    Map.of(JobOptions.MODELS.key(), String.join(",", MODELS)));
            Configuration job = ClusterJobConfig.read(jobYaml);
            cluster.start(JobOptions.topics(job), 2);
            cluster.submit(JOB_JAR, ClusterJobConfig.programArgs(jobYaml), null);

            List<String> ids = new ArrayList<>();
            for (int i = 0; i < WARMUP_EVENTS + STREAM_EVENTS; i++) {
                ids.add("e" + i);
            }
            DeliveryAudit audit = new DeliveryAudit(ids, MODELS);
            EventCodec codec = new EventCodec();
            String predictions = job.get(JobOptions.TOPIC_PREDICTIONS);
            List<DeliveryAudit.Fault> faults = new ArrayList<>();
            try (CommittedTopicsTail tail = new CommittedTopicsTail(settings.bootstrapServers(), "audit",
                    List.of(predictions, job.get(JobOptions.TOPIC_DEAD_LETTERS)), r -> {
                        if (r.topic().equals(predictions)) {
                            Prediction p = codec.decodePrediction(r.value());
                            audit.prediction(p.eventId, p.model, r.timestamp());
                        } else {
                            audit.deadLetter();
                        }
                    }).start()) {
                String interactions = job.get(JobOptions.TOPIC_INTERACTIONS);
                send(settings.bootstrapServers(), interactions, 0, WARMUP_EVENTS, 0);
                // the job runs and has committed a checkpoint: the warm-up's predictions are visible
                await(audit::predictions, WARMUP_EVENTS * MODELS.size(), Duration.ofMinutes(3));

                Thread stream = new Thread(() -> send(settings.bootstrapServers(), interactions,
                        WARMUP_EVENTS, STREAM_EVENTS, RATE), "stream");
                stream.start();
                Thread.sleep(5_000);
                faults.add(new DeliveryAudit.Fault("kill -9 taskmanager-1", System.currentTimeMillis()));
                cluster.taskManager(1).kill();
                cluster.startNewTaskManager();
                stream.join();

                await(audit::predictions, audit.expectedPredictions(), Duration.ofMinutes(3));
                // a duplicate would come with a later checkpoint: read on past two more
                Thread.sleep(2 * settings.checkpointInterval().toMillis());
            }
            DeliveryAudit.Report report = audit.report(faults);
            report.print(System.out);
            assertEquals(0, report.missing(), "missing predictions");
            assertEquals(0, report.duplicated(), "duplicated predictions");
            assertEquals(0, report.unexpected(), "predictions of unknown events");
            assertEquals(0, report.deadLetters(), "dead letters");
            assertTrue(report.recoveries().get(0).millis() > 0, "the job emitted before and after the kill");
        } finally {
            cluster.stop();
        }
    }

    /** Sends events {@code from .. from+count-1} for 20 users, at {@code rate} per second (0: at once). */
    private static void send(String bootstrap, String topic, int from, int count, double rate) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            long start = System.currentTimeMillis();
            for (int i = from; i < from + count; i++) {
                String user = "user" + (i % 20);
                producer.send(new ProducerRecord<>(topic, user.getBytes(StandardCharsets.UTF_8),
                        TestJobs.event("e" + i, user, "item" + (i * 7 % 150), 1_000_000L + i * 1000L)));
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

    private static void await(IntSupplier count, int atLeast, Duration timeout) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (count.getAsInt() < atLeast && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        assertTrue(count.getAsInt() >= atLeast, "only " + count.getAsInt() + " of " + atLeast + " predictions after " + timeout);
    }
}
