package dev.streamrec.model.bm3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.streamrec.model.serving.StateBytes;
import org.junit.jupiter.api.Test;

import java.util.Map;

/** The two snapshot formats of earlier releases, byte for byte as they were written. */
class Bm3LegacySnapshotsTest {

    /** The older format: the user count, then per user its id, its item count and the item ids. */
    private static byte[] observedItems() {
        return StateBytes.write(out -> {
            out.writeInt(3);
            out.writeUTF("u0");
            out.writeInt(2);
            out.writeUTF("i1");
            out.writeUTF("i2");
            out.writeUTF("u1");
            out.writeInt(1);
            out.writeUTF("i1");
            out.writeUTF("u2");
            out.writeInt(1);
            out.writeUTF("i1");
        });
    }

    @Test
    void shouldCountTheObservedItemsOfTheOlderFormatKeepingTheShareRounded() {
        assertEquals(Map.of("i1", 3, "i2", 1), Bm3LegacySnapshots.degrees(observedItems(), 1.0));
        assertEquals(Map.of("i1", 2, "i2", 1), Bm3LegacySnapshots.degrees(observedItems(), 0.5), "1.5 -> 2, 0.5 -> 1");
    }

    @Test
    void shouldReadTheLaterDegreesFormatAndAddNothing() {
        byte[] degrees = StateBytes.write(out -> {
            out.writeInt(-0x424d3302);
            out.writeInt(2);
            out.writeUTF("i1");
            out.writeInt(3);
            out.writeUTF("i2");
            out.writeInt(1);
        });
        assertEquals(Map.of(), Bm3LegacySnapshots.degrees(degrees, 1.0));
    }
}
