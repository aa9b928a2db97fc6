package dev.streamrec.schema.event;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the users of one key group add to a model's shared counts (schema {@code shared-counts} v1):
 * one scoring subtask tells the others, so that a model whose shared state sums its users' stored
 * states (BM3's item degrees) counts every subtask's users, not only its own. {@code counts} are
 * absolute values (item id → users of the key group whose stored state reaches it), so a message
 * read twice changes nothing; {@code full} says they replace everything known of the key group (an
 * item left out counts 0), else they replace only the items named. {@code keyGroups} is the job's
 * number of key groups (its max parallelism), which the key group index is relative to.
 */
public class SharedCounts {
    public String model;
    public String version;
    public int keyGroup;
    public int keyGroups;
    public boolean full;
    public Map<String, Integer> counts = new LinkedHashMap<>();
    public long timestamp;

    public SharedCounts() {}

    public SharedCounts(String model, String version, int keyGroup, int keyGroups, boolean full,
            Map<String, Integer> counts, long timestamp) {
        this.model = model;
        this.version = version;
        this.keyGroup = keyGroup;
        this.keyGroups = keyGroups;
        this.full = full;
        this.counts = counts;
        this.timestamp = timestamp;
    }
}
