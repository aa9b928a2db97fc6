package dev.streamrec.jobs.finetune;

import dev.streamrec.jobs.config.KafkaClientProperties;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.schema.event.ModelUpdate;
import dev.streamrec.schema.serde.EventCodec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * The model store and its announcements: accepted artifacts live at
 * {@code <store>/<model>/<version>/} (written atomically by the trainer, verified again here) and
 * are announced on {@code model-updates} as a descriptor (URI, version, sha256; never the weights);
 * rejected ones are moved to {@code <store>/<model>/rejected/<version>/} for inspection, unannounced.
 * With a {@link RemoteModelStore} (any Flink filesystem URI) the local store is the staging area and
 * the announced URI is the uploaded copy's.
 */
public final class ModelPublisher implements AutoCloseable {

    private final Path store;
    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;
    private final EventCodec codec = new EventCodec();
    private final String servedName;
    private RemoteModelStore remote;

    /**
     * @param servedName the name the job serves the model under (a {@code name=model} entry), or
     *     null to announce under the artifact's model name
     */
    public ModelPublisher(Path store, KafkaClientProperties kafka, String topic, String servedName) {
        this.store = store;
        this.topic = topic;
        this.servedName = servedName;
        this.producer = new KafkaProducer<>(kafka.client(Map.of(
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)));
    }

    /** Uploads accepted versions to {@code rootUri} (s3://, hdfs://, ...) and announces that copy. */
    public ModelPublisher uploadingTo(String rootUri) {
        this.remote = rootUri == null || rootUri.isBlank() ? null : new RemoteModelStore(rootUri);
        return this;
    }

    /** Where a new version of a model must be written. */
    public Path versionDir(String model, String version) {
        return store.resolve(model).resolve(version);
    }

    /** Announces a verified artifact from the store; returns the update sent. */
    public ModelUpdate publish(ModelArtifact artifact) throws Exception {
        ModelArtifact verified = ModelArtifact.load(artifact.dir());
        String uri = remote != null ? remote.upload(verified) : verified.dir().toUri().toString();
        ModelUpdate u = new ModelUpdate(servedName != null ? servedName : verified.model(), verified.version(), uri,
                verified.sha256(), "deploy", System.currentTimeMillis());
        producer.send(new ProducerRecord<>(topic, u.model.getBytes(StandardCharsets.UTF_8), codec.encodeModelUpdate(u)))
                .get();
        return u;
    }

    /** Announces a rollback to an earlier deployed version. */
    public void rollback(String model, String version) throws Exception {
        ModelUpdate u = new ModelUpdate(model, version, null, null, "rollback", System.currentTimeMillis());
        producer.send(new ProducerRecord<>(topic, model.getBytes(StandardCharsets.UTF_8), codec.encodeModelUpdate(u)))
                .get();
    }

    /** Keeps a candidate that failed validation for inspection, out of the served versions. */
    public Path reject(ModelArtifact artifact) throws IOException {
        Path target = store.resolve(artifact.model()).resolve("rejected").resolve(artifact.version());
        Files.createDirectories(target.getParent());
        return Files.move(artifact.dir(), target, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void close() {
        producer.close();
    }
}
