package dev.streamrec.jobs.sources;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Passes every Kafka record through as a {@link RawRecord}: parsing happens in the job, where a bad
 * payload becomes a dead letter instead of a failed source. Stamps each with the time it is read
 * (this runs in the source's task thread as the record is emitted), so the job's processing
 * latency can be told apart from the time the record waited in Kafka.
 */
public final class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<RawRecord> out) {
        RawRecord raw = new RawRecord(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value());
        raw.readAtMillis = System.currentTimeMillis();
        out.collect(raw);
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }
}
