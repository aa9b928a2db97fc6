package dev.streamrec.jobs.config;

import dev.streamrec.jobs.kafka.CommittedTopicsTail;

import dev.streamrec.jobs.finetune.FineTuneLoop;
import dev.streamrec.jobs.finetune.ModelPublisher;
import dev.streamrec.jobs.local.EventReplayer;
import dev.streamrec.jobs.sinks.KafkaSinks;
import dev.streamrec.jobs.sinks.OutputTopic;
import dev.streamrec.jobs.sources.RawKafkaSource;
import dev.streamrec.model.cli.ProgressBar;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricsReporter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every Kafka client of the job and its tools gets the {@code kafka.properties.*} settings: the
 * Flink source and sink through their builders' properties, the plain clients as the configuration
 * Kafka hands a metrics reporter the test names among those settings.
 */
class KafkaClientPropertiesTest {

    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"job\" password=\"job-secret\";";

    /** The configurations of the clients created since the last {@link #clear}. */
    private static final List<Map<String, ?>> CONFIGURED = new CopyOnWriteArrayList<>();

    /** Records the configuration of every client that names it in {@code metric.reporters}. */
    public static final class RecordingReporter implements MetricsReporter {
        @Override
        public void configure(Map<String, ?> configs) {
            CONFIGURED.add(new HashMap<>(configs));
        }

        @Override
        public void init(List<KafkaMetric> metrics) {}

        @Override
        public void metricChange(KafkaMetric metric) {}

        @Override
        public void metricRemoval(KafkaMetric metric) {}

        @Override
        public void close() {}
    }

    @BeforeEach
    void clear() {
        CONFIGURED.clear();
    }

    private static Configuration secured() {
        Configuration conf = new Configuration();
        conf.set(JobOptions.BOOTSTRAP_SERVERS, "127.0.0.1:1");
        conf.setString("kafka.properties.security.protocol", "SASL_PLAINTEXT");
        conf.setString("kafka.properties.sasl.mechanism", "PLAIN");
        conf.setString("kafka.properties.sasl.jaas.config", JAAS);
        conf.setString("kafka.properties.metric.reporters", RecordingReporter.class.getName());
        return conf;
    }

    private static void assertSecured(Map<?, ?> client, String which) {
        assertEquals("127.0.0.1:1", client.get("bootstrap.servers"), which);
        assertEquals("SASL_PLAINTEXT", client.get("security.protocol"), which);
        assertEquals("PLAIN", client.get("sasl.mechanism"), which);
        assertEquals(JAAS, String.valueOf(client.get("sasl.jaas.config")), which);
    }

    @Test
    void shouldTakeThePrefixedOptionsWithoutThePrefixAndLetThemWinOverAClientsOwn() {
        Configuration conf = secured();
        conf.setString("kafka.properties.linger.ms", "50");
        conf.set(JobOptions.GROUP_ID, "not-a-client-property");
        KafkaClientProperties kafka = KafkaClientProperties.from(conf);
        assertEquals(Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN", "sasl.jaas.config", JAAS,
                "metric.reporters", RecordingReporter.class.getName(), "linger.ms", "50"), kafka.properties());
        Map<Object, Object> client = kafka.client(Map.of("linger.ms", "5", "acks", "all"));
        assertEquals("50", client.get("linger.ms"));
        assertEquals("all", client.get("acks"));
        assertSecured(client, "client");
        assertTrue(KafkaClientProperties.of("h:1").properties().isEmpty());
    }

    @Test
    void shouldGiveThemToTheJobsSourcesAndSinks() throws Exception {
        Configuration conf = secured();
        assertSecured(field(RawKafkaSource.create(conf, "g", "events"), "props"), "source");
        Map<?, ?> sink = field(KafkaSinks.create(conf, OutputTopic.predictions("predictions"), "main"),
                "kafkaProducerConfig");
        assertSecured(sink, "sink");
        assertEquals(String.valueOf(4 * 1024 * 1024), sink.get("max.request.size"), "the sink's own settings stay");
    }

    @Test
    void shouldGiveThemToThePublisherTheFineTunerTheTailsAndTheReplayer(@TempDir Path tmp) throws Exception {
        KafkaClientProperties kafka = KafkaClientProperties.from(secured());
        new ModelPublisher(tmp, kafka, "model-updates", null).close();
        new CommittedTopicsTail(kafka, "tail", List.of("predictions"), r -> {}).start().close(); // dashboard, monitor, chaos audit
        EventReplayer.replay(kafka, "events", List.of(), List.of(), 0,
                new ProgressBar(new PrintStream(OutputStream.nullOutputStream()), "replay", 0), () -> 0L);
        List<Map<String, ?>> clients = new ArrayList<>(CONFIGURED);
        assertEquals(3, clients.size(), "publisher, tail, replayer");
        clients.forEach(c -> assertSecured(c, String.valueOf(c.get("client.id"))));
        Map<Object, Object> fineTune = FineTuneLoop.consumerConfig(kafka, "sasrec");
        assertSecured(fineTune, "fine-tuning");
        assertEquals("streamrec-finetune-sasrec", fineTune.get("group.id"));
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> field(Object o, String name) throws ReflectiveOperationException {
        Field f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return (Map<Object, Object>) f.get(o);
    }
}
