package dev.streamrec.jobs.config;

import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.CommonClientConfigs;

import java.io.Serializable;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The settings every Kafka client of the job and its tools shares: the bootstrap servers
 * ({@code kafka.bootstrap-servers}) and any Kafka client config given under the prefix
 * {@code kafka.properties.} (security.protocol, sasl.*, ssl.*, client tuning). Each client builds its
 * configuration here ({@link #client}): its own settings first, then the bootstrap servers, then the
 * prefixed properties, which win, so an operator can change any of them for every client at once.
 */
public final class KafkaClientProperties implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Prefix of the job options passed to every Kafka client, without it: {@code kafka.properties.sasl.mechanism}. */
    public static final String PREFIX = "kafka.properties.";

    private final String bootstrapServers;
    private final Map<String, String> properties;

    private KafkaClientProperties(String bootstrapServers, Map<String, String> properties) {
        this.bootstrapServers = bootstrapServers;
        this.properties = Map.copyOf(properties);
    }

    /** The bootstrap servers and every {@code kafka.properties.*} option of {@code conf}. */
    public static KafkaClientProperties from(Configuration conf) {
        Map<String, String> props = new TreeMap<>();
        conf.toMap().forEach((key, value) -> {
            if (key.startsWith(PREFIX) && key.length() > PREFIX.length()) {
                props.put(key.substring(PREFIX.length()), value);
            }
        });
        return new KafkaClientProperties(conf.get(JobOptions.BOOTSTRAP_SERVERS), props);
    }

    /** A broker reached without further settings (a tool's own plaintext broker). */
    public static KafkaClientProperties of(String bootstrapServers) {
        return of(bootstrapServers, Map.of());
    }

    /** A broker reached with these client settings (e.g. an embedded broker's own credentials). */
    public static KafkaClientProperties of(String bootstrapServers, Map<String, String> properties) {
        return new KafkaClientProperties(bootstrapServers, properties);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The {@code kafka.properties.*} settings, without the prefix. */
    public Map<String, String> properties() {
        return properties;
    }

    /** A client's configuration: {@code own} settings, the bootstrap servers, then the configured properties. */
    public Properties client(Map<String, ?> own) {
        Properties p = new Properties();
        p.putAll(own);
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.putAll(properties);
        return p;
    }
}
