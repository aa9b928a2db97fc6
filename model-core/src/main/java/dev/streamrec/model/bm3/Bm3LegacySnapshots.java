package dev.streamrec.model.bm3;

import dev.streamrec.model.serving.StateBytes;

import java.util.HashMap;
import java.util.Map;

/**
 * Reads the two snapshot formats of earlier releases, which kept BM3's item degrees in the model
 * (this release checkpoints nothing of its own: the degrees follow the users' stored edges), so
 * that their savepoints keep restoring. Both are {@link StateBytes}:
 *
 * <ul>
 *   <li>the older one listed every user's observed items: the user count, then per user its id, its
 *       item count and the item ids;
 *   <li>the later one held the item degrees alone: {@link #SNAPSHOT_DEGREES}, the item count, then
 *       per item its id and count.
 * </ul>
 */
final class Bm3LegacySnapshots {

    /** Started the item-degree snapshot of earlier releases (an older one started with its user count, never negative). */
    static final int SNAPSHOT_DEGREES = -0x424d3302;

    private Bm3LegacySnapshots() {}

    /**
     * The degrees a snapshot adds, by item id: the older format gives each item's count of listed
     * observations (those users had no stored edges yet; a share below 1, after a rescale, keeps
     * that part of each count, rounded); the later one is read and left aside, since its users'
     * stored edges, recounted after the restore, give the same degrees.
     */
    static Map<String, Integer> degrees(byte[] snapshot, double share) {
        Map<String, Integer> out = new HashMap<>();
        StateBytes.read(snapshot, in -> {
            int head = in.readInt();
            if (head == SNAPSHOT_DEGREES) {
                for (int n = in.readInt(); n > 0; n--) {
                    in.readUTF();
                    in.readInt();
                }
                return;
            }
            Map<String, Integer> counts = new HashMap<>();
            for (int user = 0; user < head; user++) {
                in.readUTF();
                for (int m = in.readInt(); m > 0; m--) {
                    counts.merge(in.readUTF(), 1, Integer::sum);
                }
            }
            counts.forEach((item, n) -> out.put(item, (int) Math.round(n * share)));
        });
        return out;
    }
}
