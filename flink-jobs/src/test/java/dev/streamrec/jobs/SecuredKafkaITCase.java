package dev.streamrec.jobs;

import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.kafka.EmbeddedKafkaBroker;
import dev.streamrec.jobs.config.KafkaClientProperties;
import dev.streamrec.jobs.testutil.KafkaTestClient;
import dev.streamrec.jobs.testutil.TestJobs;
import dev.streamrec.schema.event.DeadLetter;
import dev.streamrec.schema.event.ModelUpdate;
import dev.streamrec.schema.serde.EventCodec;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job on a shared cluster's terms: a broker with SASL/PLAIN and ACLs (StandardAuthorizer), where
 * the job's principal {@code job} may read its inputs and write its outputs but is denied writing
 * {@code model-updates}. Given its credentials through {@code kafka.properties.*} only, the job
 * consumes and predicts; a producer as {@code job} cannot announce a model; the job's clients are
 * refused with a wrong password or without SASL; and a model update (written by the admin, the
 * publisher's principal here) naming an artifact outside the allowed locations is a dead letter.
 */
class SecuredKafkaITCase {

    private static final String P = "sec";

    @TempDir
    static Path tmp;

    private static EmbeddedKafkaBroker broker;

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    private static Map<String, String> credentials(String user, String password) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", jaas(user, password));
    }

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.start("SASL_PLAINTEXT", Map.of(
                "sasl.enabled.mechanisms", "PLAIN",
                "sasl.mechanism.inter.broker.protocol", "PLAIN",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config", "org.apache.kafka.common.security.plain."
                        + "PlainLoginModule required username=\"admin\" password=\"admin-secret\" "
                        + "user_admin=\"admin-secret\" user_job=\"job-secret\";",
                "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                // ANONYMOUS: the broker's own requests to its controller, on the PLAINTEXT controller listener
                "super.users", "User:admin;User:ANONYMOUS"), credentials("admin", "admin-secret"));
        try (Admin admin = broker.admin()) {
            admin.createAcls(jobAcls()).all().get();
        }
    }

    /** Read the inputs, write the outputs, its groups and transactions; never write model updates. */
    private static List<AclBinding> jobAcls() {
        List<AclBinding> acls = new ArrayList<>();
        for (String in : List.of("in", "features", "updates", "shared", "deletions")) {
            acls.add(allow(ResourceType.TOPIC, P + "-" + in, PatternType.LITERAL, AclOperation.READ));
        }
        for (String out : List.of("pred", "dead", "eval", "shared", "confirmed")) {
            acls.add(allow(ResourceType.TOPIC, P + "-" + out, PatternType.LITERAL, AclOperation.WRITE));
        }
        acls.add(allow(ResourceType.TOPIC, P + "-", PatternType.PREFIXED, AclOperation.DESCRIBE));
        acls.add(allow(ResourceType.GROUP, P, PatternType.PREFIXED, AclOperation.READ));
        acls.add(allow(ResourceType.TRANSACTIONAL_ID, P, PatternType.PREFIXED, AclOperation.ALL));
        // explicit, so that no broader grant given later lets the job announce models
        acls.add(new AclBinding(new ResourcePattern(ResourceType.TOPIC, P + "-updates", PatternType.LITERAL),
                new AccessControlEntry("User:job", "*", AclOperation.WRITE, AclPermissionType.DENY)));
        return acls;
    }

    private static AclBinding allow(ResourceType type, String name, PatternType pattern, AclOperation op) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:job", "*", op, AclPermissionType.ALLOW));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    /** The job's configuration: its topics, and its credentials as kafka.properties.* only. */
    private static Configuration jobConf(Map<String, String> kafkaProperties) {
        Configuration conf = TestJobs.isolatedConfig(broker, tmp.resolve("job"), P);
        conf.set(JobOptions.MODELS, List.of("popularity"));
        conf.set(JobOptions.ARTIFACT_ALLOWED_LOCATIONS, List.of(tmp.resolve("models").toUri().toString()));
        kafkaProperties.forEach((k, v) -> conf.setString(KafkaClientProperties.PREFIX + k, v));
        return conf;
    }

    @Test
    void shouldRunWithItsCredentialsButNeverAnnounceAModel() throws Exception {
        Configuration conf = jobConf(credentials("job", "job-secret"));
        KafkaTestClient admin = new KafkaTestClient(KafkaClientProperties.of(broker.bootstrapServers(),
                credentials("admin", "admin-secret")));
        EventCodec codec = new EventCodec();
        JobClient job = TestJobs.start(conf);
        try {
            int n = 20;
            List<String> keys = new ArrayList<>();
            List<byte[]> events = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                keys.add("u" + i % 4);
                events.add(TestJobs.event("e" + i, "u" + i % 4, "i" + i % 7, 1_000_000L + i * 1000L));
            }
            admin.produce(P + "-in", keys, events);
            assertEquals(n, admin.readUntil(P + "-pred", r -> r.size() >= n, Duration.ofSeconds(40)).size(),
                    "predictions of the job as principal 'job'");

            // The job's principal cannot announce a model.
            try (KafkaProducer<byte[], byte[]> asJob = new KafkaProducer<>(KafkaClientProperties.from(conf).client(Map.of(
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)))) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> asJob.send(
                        new ProducerRecord<>(P + "-updates", "x".getBytes(StandardCharsets.UTF_8))).get());
                assertInstanceOf(TopicAuthorizationException.class, e.getCause());
            }

            // The publisher's principal can; an artifact outside the allowed locations is a dead letter.
            String outside = "file:/etc/streamrec-evil/v9";
            admin.produce(P + "-updates", List.of("popularity"), List.of(codec.encodeModelUpdate(
                    new ModelUpdate("popularity", "v9", outside, "ab".repeat(32), "deploy", 1L))));
            List<ConsumerRecord<byte[], byte[]>> dead = admin.readUntil(P + "-dead", r -> !r.isEmpty(),
                    Duration.ofSeconds(30));
            assertEquals(1, dead.size());
            DeadLetter d = codec.decodeDeadLetter(dead.get(0).value());
            assertEquals(P + "-updates", d.topic);
            assertTrue(d.reason.startsWith("model update refused: artifact location " + outside), d.reason);
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void shouldRefuseTheJobsClientsWithoutItsCredentials() {
        Map<String, String> wrongPassword = new java.util.HashMap<>(credentials("job", "guess"));
        wrongPassword.put("default.api.timeout.ms", "10000");
        assertThrows(AuthenticationException.class, () -> partitionsOf(jobConf(wrongPassword)));
        // Without SASL the broker drops the connection before any request: nothing is ever answered.
        assertThrows(TimeoutException.class, () -> partitionsOf(jobConf(Map.of("default.api.timeout.ms", "2000"))));
    }

    /** What a consumer configured like the job's clients learns of the interactions topic. */
    private static int partitionsOf(Configuration conf) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(KafkaClientProperties.from(conf).client(Map.of(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class)))) {
            return c.partitionsFor(P + "-in").size();
        }
    }
}
