package dev.streamrec.jobs.kafka;

import dev.streamrec.jobs.config.KafkaClientProperties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

/**
 * A real single-node Kafka (KRaft, broker and controller in one process) started inside this JVM
 * from the production classes: the broker of the local mode and of the integration tests. Listens
 * on 127.0.0.1 only.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private final Path logDir;
    private final boolean deleteOnClose;
    private final int port;
    private final KafkaRaftServer server;
    /** What this broker's own admin client (readiness, topics) connects with. */
    private final KafkaClientProperties adminClient;

    private EmbeddedKafkaBroker(Path logDir, boolean deleteOnClose, int port, KafkaRaftServer server,
            KafkaClientProperties adminClient) {
        this.logDir = logDir;
        this.deleteOnClose = deleteOnClose;
        this.port = port;
        this.server = server;
        this.adminClient = adminClient;
    }

    /** Starts a broker on a free port with a temporary log directory. */
    public static EmbeddedKafkaBroker start() {
        return start(0, null);
    }

    /**
     * Starts a broker.
     *
     * @param port the client port, 0 for a free one
     * @param dataDir the log directory, null for a temporary one deleted on close
     */
    public static EmbeddedKafkaBroker start(int port, Path dataDir) {
        return start(port, 0, dataDir);
    }

    /**
     * Starts a broker whose controller listens on {@code controllerPort} (0 for a free one): a
     * broker restarted on the same log directory keeps both ports.
     */
    public static EmbeddedKafkaBroker start(int port, int controllerPort, Path dataDir) {
        return start(port, controllerPort, dataDir, "PLAINTEXT", Map.of(), Map.of());
    }

    /**
     * Starts a broker on a free port with a temporary log directory whose client listener speaks
     * {@code protocol} (e.g. SASL_PLAINTEXT), with {@code brokerProperties} on top of this class's
     * (SASL mechanisms, users, an authorizer and its super users); the controller listener stays
     * PLAINTEXT. {@code adminProperties} are the client settings of the broker's own admin client,
     * which must be a super user.
     */
    public static EmbeddedKafkaBroker start(String protocol, Map<String, String> brokerProperties,
            Map<String, String> adminProperties) {
        return start(0, 0, null, protocol, brokerProperties, adminProperties);
    }

    private static EmbeddedKafkaBroker start(int port, int controllerPort, Path dataDir, String protocol,
            Map<String, String> brokerProperties, Map<String, String> adminProperties) {
        try {
            boolean temp = dataDir == null;
            Path dir = temp ? Files.createTempDirectory("streamrec-kafka-") : dataDir;
            int[] free = freePorts(2);
            int clientPort = port == 0 ? free[0] : port;
            if (controllerPort == 0) {
                controllerPort = free[1] != clientPort ? free[1] : free[0];
            }
            Properties props = new Properties();
            props.put("process.roles", "broker,controller");
            props.put("node.id", "1");
            props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
            props.put("listeners", protocol + "://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
            props.put("advertised.listeners", protocol + "://127.0.0.1:" + clientPort);
            props.put("controller.listener.names", "CONTROLLER");
            props.put("listener.security.protocol.map", protocol + ":" + protocol + ",CONTROLLER:PLAINTEXT");
            props.put("inter.broker.listener.name", protocol);
            props.put("log.dirs", dir.toString());
            props.put("offsets.topic.replication.factor", "1");
            props.put("offsets.topic.num.partitions", "4");
            props.put("transaction.state.log.replication.factor", "1");
            props.put("transaction.state.log.min.isr", "1");
            props.put("transaction.state.log.num.partitions", "4");
            props.put("share.coordinator.state.topic.replication.factor", "1");
            props.put("share.coordinator.state.topic.min.isr", "1");
            props.put("group.initial.rebalance.delay.ms", "0");
            props.put("auto.create.topics.enable", "false");
            props.put("num.partitions", "1");
            // Room for oversized payloads, so the job (not the broker) rejects them as dead letters.
            props.put("message.max.bytes", String.valueOf(4 * 1024 * 1024));
            props.put("transaction.max.timeout.ms", String.valueOf(15 * 60 * 1000));
            props.putAll(brokerProperties);
            KafkaConfig config = new KafkaConfig(props, false);
            boolean formatted = Files.exists(dir.resolve("meta.properties"));
            if (!formatted) {
                new Formatter()
                        .setPrintStream(new PrintStream(java.io.OutputStream.nullOutputStream()))
                        .setNodeId(1)
                        .setClusterId(Uuid.randomUuid().toString())
                        .setDirectories(List.of(dir.toString()))
                        .setReleaseVersion(MetadataVersion.latestProduction())
                        .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                        .setControllerListenerName("CONTROLLER")
                        .setMetadataLogDirectory(dir.toString())
                        .run();
            }
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, temp, clientPort, server,
                    KafkaClientProperties.of("127.0.0.1:" + clientPort, adminProperties));
            awaitReady(broker.adminClient, 60_000);
            LOG.info("Kafka broker ready at {}", broker.bootstrapServers());
            return broker;
        } catch (Exception e) {
            throw new IllegalStateException("could not start the embedded Kafka broker: " + e.getMessage(), e);
        }
    }

    /** Waits until the broker at {@code bootstrap} answers with its node, for at most {@code timeoutMs}. */
    public static void awaitReady(String bootstrap, long timeoutMs) throws Exception {
        awaitReady(KafkaClientProperties.of(bootstrap), timeoutMs);
    }

    private static void awaitReady(KafkaClientProperties kafka, long timeoutMs) throws Exception {
        String bootstrap = kafka.bootstrapServers();
        long deadline = System.currentTimeMillis() + timeoutMs;
        Exception last = null;
        while (System.currentTimeMillis() < deadline) {
            try (Admin admin = admin(kafka)) {
                DescribeClusterOptions options = new DescribeClusterOptions().timeoutMs((int) Math.min(timeoutMs, 10_000));
                if (!admin.describeCluster(options).nodes().get().isEmpty()) {
                    return;
                }
            } catch (ExecutionException e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("broker at " + bootstrap + " not ready after " + timeoutMs / 1000 + " s", last);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** An admin client of this broker, with its admin's settings. */
    public Admin admin() {
        return admin(adminClient);
    }

    private static Admin admin(KafkaClientProperties kafka) {
        return Admin.create(kafka.client(Map.of()));
    }

    /** Creates topics (replication 1) if absent, allowing payloads up to 4 MiB. */
    public void createTopics(int partitions, Collection<String> names) {
        createTopics(adminClient, partitions, names);
    }

    /** Creates topics (replication 1) on the broker at {@code bootstrap} if absent, allowing payloads up to 4 MiB. */
    public static void createTopics(String bootstrap, int partitions, Collection<String> names) {
        createTopics(KafkaClientProperties.of(bootstrap), partitions, names);
    }

    private static void createTopics(KafkaClientProperties kafka, int partitions, Collection<String> names) {
        try (Admin admin = admin(kafka)) {
            for (String name : names) {
                NewTopic t = new NewTopic(name, partitions, (short) 1)
                        .configs(Map.of("max.message.bytes", String.valueOf(4 * 1024 * 1024)));
                try {
                    admin.createTopics(List.of(t)).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not create topics " + names, e);
        }
    }

    @Override
    public void close() {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("broker shutdown: {}", e.toString());
        }
        if (deleteOnClose) {
            deleteRecursively(logDir);
        }
    }

    /**
     * {@code n} distinct free ports: the sockets are held open together, so the system cannot hand
     * out the same port twice (one at a time it sometimes did, and the broker refused two listeners
     * on one port).
     */
    public static int[] freePorts(int n) throws IOException {
        ServerSocket[] sockets = new ServerSocket[n];
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0);
                sockets[i].setReuseAddress(true);
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    /** Deletes a directory tree, ignoring what cannot be deleted. */
    public static void deleteRecursively(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("could not delete {}", dir, e);
        }
    }
}
