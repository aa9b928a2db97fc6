package dev.streamrec.jobs.testutil;

import dev.streamrec.jobs.sources.RawRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;

import java.util.ArrayList;
import java.util.List;

/** Bounded in-memory sources of raw records, as if read from one partition of a topic. */
public final class InMemorySources {

    private InMemorySources() {}

    /** The payloads in order at offsets 0, 1, ... of partition 0 of {@code topic} (at least one). */
    public static Source<RawRecord, ?, ?> rawRecords(String topic, List<byte[]> values) {
        ArrayList<byte[]> payloads = new ArrayList<>(values);
        return new DataGeneratorSource<>(offset -> {
            RawRecord r = new RawRecord(topic, 0, offset, 1_000L + offset, null, payloads.get(offset.intValue()));
            r.readAtMillis = System.currentTimeMillis();
            return r;
        }, payloads.size(), TypeInformation.of(RawRecord.class));
    }
}
