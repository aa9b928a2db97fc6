package dev.streamrec.jobs.testutil;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A sink that keeps what it receives in memory, for a job test on a MiniCluster in this JVM (the
 * sink is serialized into the job, so what it received lives in a static map under its own id).
 */
public final class CollectingSink<T> implements Sink<T> {

    private static final Map<String, List<Object>> RECEIVED = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();

    public CollectingSink() {
        RECEIVED.put(id, Collections.synchronizedList(new ArrayList<>()));
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        List<Object> out = RECEIVED.get(id);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) {
                out.add(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }

    /** Everything received so far, in arrival order. */
    @SuppressWarnings("unchecked")
    public List<T> received() {
        List<Object> out = RECEIVED.get(id);
        synchronized (out) {
            return new ArrayList<>((List<T>) (List<?>) out);
        }
    }
}
