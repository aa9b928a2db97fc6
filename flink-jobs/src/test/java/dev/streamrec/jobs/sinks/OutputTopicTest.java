package dev.streamrec.jobs.sinks;

import dev.streamrec.schema.event.DeadLetter;
import dev.streamrec.schema.event.EvalMetrics;
import dev.streamrec.schema.event.SharedCounts;
import dev.streamrec.schema.serde.EventCodec;
import org.apache.flink.util.InstantiationUtil;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class OutputTopicTest {

    @Test
    void shouldWriteEachOutputWithItsDocumentedKey() throws Exception {
        DeadLetter d = EventCodec.deadLetter("bad", "x".getBytes(StandardCharsets.UTF_8), "interactions", 3, 9L, 1L);
        // Shipped to the task managers inside the sink: the descriptor must survive Java serialization.
        JsonRecordSerializer<DeadLetter> dead = InstantiationUtil.clone(
                new JsonRecordSerializer<>(OutputTopic.deadLetters("dl")), getClass().getClassLoader());
        ProducerRecord<byte[], byte[]> r = dead.serialize(d, null, null);
        assertEquals("dl", r.topic());
        assertEquals("interactions-3", new String(r.key(), StandardCharsets.UTF_8));
        assertArrayEquals(new EventCodec().encodeDeadLetter(d), r.value());

        EvalMetrics m = new EvalMetrics();
        m.model = "sasrec";
        assertEquals("sasrec", InstantiationUtil.clone(OutputTopic.evalMetrics("eval")).keyOf(m));

        SharedCounts c = new SharedCounts("bm3", "v1", 7, 128, false, Map.of(), 0L);
        OutputTopic<SharedCounts> shared = InstantiationUtil.clone(OutputTopic.sharedCounts("shared"));
        assertEquals("bm3/v1/7", shared.keyOf(c));
        assertEquals("shared", shared.name());

        assertEquals("pred", InstantiationUtil.clone(OutputTopic.predictions("pred")).name());
    }
}
