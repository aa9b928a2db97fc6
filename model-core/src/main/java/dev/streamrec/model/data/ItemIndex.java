package dev.streamrec.model.data;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A dense index of external item ids: index 0 is reserved for padding, items are 1..size. Saved as
 * one id per line (line i = index i), so a model artifact and a stream agree on every row.
 */
public final class ItemIndex {

    /** The padding index; never a real item. */
    public static final int PAD = 0;

    private final List<String> ids = new ArrayList<>();
    private final Map<String, Integer> index = new HashMap<>();

    public ItemIndex() {
        ids.add(null);
    }

    /** An index of the given ids in their order (duplicates ignored). */
    public static ItemIndex of(Collection<String> itemIds) {
        ItemIndex idx = new ItemIndex();
        itemIds.forEach(idx::add);
        return idx;
    }

    /** Adds an id if new and returns its index. */
    public int add(String itemId) {
        Integer existing = index.get(itemId);
        if (existing != null) {
            return existing;
        }
        int i = ids.size();
        ids.add(itemId);
        index.put(itemId, i);
        return i;
    }

    /** The index of an id, or -1 if unknown. */
    public int indexOf(String itemId) {
        Integer i = index.get(itemId);
        return i == null ? -1 : i;
    }

    public String idAt(int i) {
        return ids.get(i);
    }

    /** The number of real items (excluding padding). */
    public int size() {
        return ids.size() - 1;
    }

    /** Real item ids in index order (index 1 first). */
    public List<String> ids() {
        return Collections.unmodifiableList(ids.subList(1, ids.size()));
    }

    public void write(Path file) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (String id : ids()) {
                w.write(id);
                w.write('\n');
            }
        }
    }

    public static ItemIndex read(Path file) throws IOException {
        ItemIndex idx = new ItemIndex();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isEmpty()) {
                    idx.add(line);
                }
            }
        }
        return idx;
    }
}
