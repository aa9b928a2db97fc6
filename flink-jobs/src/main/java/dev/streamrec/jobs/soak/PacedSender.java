package dev.streamrec.jobs.soak;

import dev.streamrec.jobs.config.KafkaClientProperties;
import dev.streamrec.schema.event.InteractionEvent;
import dev.streamrec.schema.event.UserDeletion;
import dev.streamrec.schema.serde.EventCodec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends a {@link SoakStream} to the job at a steady rate on its own thread: interactions ({@code view}
 * events stamped with the wall clock) to the interactions topic at {@code rate} per second, on a fixed
 * schedule from the start (a late send is caught up, never skipped), and each deletion request to
 * the deletions topic as it comes, both keyed by user, with one producer configured through
 * {@link KafkaClientProperties}. It stops after its duration or when closed, and remembers the
 * request ids of the deletions it sent.
 */
public final class PacedSender implements AutoCloseable {

    private final KafkaClientProperties kafka;
    private final String interactions;
    private final String deletions;
    private final SoakStream stream;
    private final double rate;
    private final AtomicLong eventsSent = new AtomicLong();
    private final Set<String> deletionRequests = ConcurrentHashMap.newKeySet();
    private volatile int users;
    private volatile boolean running = true;
    private volatile Exception failure;
    private Thread thread;

    public PacedSender(KafkaClientProperties kafka, String interactions, String deletions, SoakStream stream,
            double rate) {
        this.kafka = kafka;
        this.interactions = interactions;
        this.deletions = deletions;
        this.stream = stream;
        this.rate = rate;
    }

    /** Starts sending for {@code duration}. */
    public PacedSender start(Duration duration) {
        thread = new Thread(() -> send(duration), "soak-sender");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** Whether it is still sending. */
    public boolean isAlive() {
        return thread != null && thread.isAlive();
    }

    public long eventsSent() {
        return eventsSent.get();
    }

    /** The request ids of the deletions sent so far. */
    public Set<String> deletionRequests() {
        return Set.copyOf(deletionRequests);
    }

    /** The users of the stream so far. */
    public int users() {
        return users;
    }

    /** The exception that stopped the sender early, or null. */
    public Exception failure() {
        return failure;
    }

    private void send(Duration duration) {
        EventCodec codec = new EventCodec();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.client(Map.of(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)))) {
            long start = System.currentTimeMillis();
            long end = start + duration.toMillis();
            long sent = 0;
            while (running && System.currentTimeMillis() < end) {
                SoakStream.Next next = stream.next();
                users = stream.users();
                if (next instanceof SoakStream.Deletion d) {
                    producer.send(new ProducerRecord<>(deletions, key(d.userId()),
                            codec.encodeUserDeletion(new UserDeletion(d.requestId(), d.userId(), System.currentTimeMillis()))));
                    deletionRequests.add(d.requestId());
                    continue;
                }
                SoakStream.Event e = (SoakStream.Event) next;
                long due = start + (long) (1000.0 * sent / rate);
                long wait = due - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                producer.send(new ProducerRecord<>(interactions, key(e.userId()), codec.encodeInteraction(
                        new InteractionEvent(e.eventId(), e.userId(), e.itemId(), System.currentTimeMillis(), "view", null))));
                eventsSent.set(++sent);
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure = e;
        }
    }

    private static byte[] key(String user) {
        return user.getBytes(StandardCharsets.UTF_8);
    }

    /** Stops sending and waits for the thread. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.join(30_000);
        }
    }
}
