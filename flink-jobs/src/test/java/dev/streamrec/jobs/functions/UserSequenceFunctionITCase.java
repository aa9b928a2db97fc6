package dev.streamrec.jobs.functions;

import dev.streamrec.jobs.RecommenderJob;
import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.scoring.ScoringRequest;
import dev.streamrec.schema.event.InteractionEvent;
import dev.streamrec.schema.event.UserDeletion;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The user-sequence state on a MiniCluster with RocksDB: bound, de-duplication window, time order. */
class UserSequenceFunctionITCase {

    private static InteractionEvent e(String id, String user, String item, long ts) {
        return new InteractionEvent(id, user, item, ts, "view", null);
    }

    @Test
    void shouldBoundDeduplicateAndOrderEachUsersSequence(@TempDir Path tmp) throws Exception {
        Configuration conf = new Configuration();
        conf.set(JobOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(200));
        conf.set(JobOptions.CHECKPOINT_DIR, tmp.toUri().toString());
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(RecommenderJob.runtimeConfiguration(conf));
        List<InteractionEvent> in = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            in.add(e("a" + i, "alice", "i" + i, 1000L + i));
        }
        in.add(e("a17", "alice", "dup", 5000L));       // repeat within the last 5 ids: ignored
        in.add(e("a0", "alice", "again", 6000L));      // beyond the window: accepted again
        in.add(e("b1", "bob", "x", 300L));
        in.add(e("b2", "bob", "z", 100L));              // late: placed before x
        in.add(e("b2", "bob", "z", 100L));              // duplicate
        List<ScoringRequest> out = new ArrayList<>();
        try (CloseableIterator<ScoringRequest> it = env.fromData(in)
                .keyBy(x -> x.userId)
                .connect(env.fromData(new UserDeletion("r1", "carol", 1L)).keyBy(d -> d.userId)) // holds nothing of carol
                .process(new UserSequenceFunction(3, 5, Duration.ofDays(1)))
                .executeAndCollect()) {
            it.forEachRemaining(out::add);
        }
        List<ScoringRequest> deletions = out.stream().filter(r -> r.deletion != null).toList();
        assertEquals(1, deletions.size());
        assertEquals(0, deletions.get(0).deletion.sequenceEvents);
        out.removeAll(deletions);
        assertEquals(23, out.size());
        for (ScoringRequest r : out) {
            assertTrue(r.history().size() <= 3, "bound exceeded: " + r.history());
            assertFalse(r.itemId.equals("dup"));
        }
        ScoringRequest last = out.stream().filter(r -> r.itemId.equals("again")).findFirst().orElseThrow();
        assertEquals(List.of("i18", "i19", "again"), last.history());
        assertEquals(List.of("i17", "i18", "i19"), last.historyBefore());
        ScoringRequest late = out.stream().filter(r -> r.eventId.equals("b2")).findFirst().orElseThrow();
        assertFalse(late.inOrder);
        assertEquals(List.of("z", "x"), late.history());
    }
}
