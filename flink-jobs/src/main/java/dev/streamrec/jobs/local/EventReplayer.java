package dev.streamrec.jobs.local;

import dev.streamrec.jobs.config.KafkaClientProperties;
import dev.streamrec.model.cli.ProgressBar;
import dev.streamrec.model.data.Interaction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Produces encoded interaction events to Kafka in order, keyed by user, at a fixed rate (events/s)
 * or as fast as possible (rate 0), advancing a progress bar.
 */
public final class EventReplayer {

    private EventReplayer() {}

    /** Sends every event; returns the wall-clock time the first one was sent (ms). */
    public static long replay(KafkaClientProperties kafka, String topic, List<Interaction> interactions, List<byte[]> events,
            double rate, ProgressBar bar, LongSupplier predictions) throws InterruptedException {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.client(Map.of(
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)))) {
            long start = System.currentTimeMillis();
            for (int i = 0; i < events.size(); i++) {
                byte[] key = interactions.get(i).userId().getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, key, events.get(i)));
                if (rate > 0) {
                    long wait = start + (long) (1000.0 * (i + 1) / rate) - System.currentTimeMillis();
                    if (wait > 0) {
                        Thread.sleep(wait);
                    }
                }
                if ((i & 1023) == 0) {
                    bar.update(i, "predictions " + predictions.getAsLong());
                }
            }
            producer.flush();
            bar.finish("predictions " + predictions.getAsLong());
            return start;
        }
    }
}
