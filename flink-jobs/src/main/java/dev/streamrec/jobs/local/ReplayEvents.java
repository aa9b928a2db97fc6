package dev.streamrec.jobs.local;

import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.data.InteractionReader;
import dev.streamrec.model.data.MovieLens;
import dev.streamrec.schema.event.InteractionEvent;
import dev.streamrec.schema.serde.EventCodec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The events a local replay sends: a dataset's interactions in replay order (timestamp, then user,
 * then item: MovieLens ties within a second are common), as interaction JSON with a deterministic
 * event id so that replaying twice cannot double-count. MovieLens ratings become {@code rating}
 * events with the rating as value.
 */
public final class ReplayEvents {

    private ReplayEvents() {}

    /**
     * Loads the bundled MovieLens, a MovieLens directory (with {@code ratings.csv}), or a generic
     * interactions CSV ({@code userId,itemId,timestamp}).
     */
    public static List<Interaction> load(Path data) throws IOException {
        if (data == null) {
            return MovieLens.bundled().interactions();
        }
        if (Files.isDirectory(data)) {
            return MovieLens.inDirectory(data).interactions();
        }
        return InteractionReader.read(data);
    }

    /**
     * The interactions replayed {@code passes} times in a row, for runs longer than the dataset (a
     * benchmark's steady state): pass p &gt; 0 is the same events by other users ({@code user~p}),
     * so every pass is a valid stream of its own (timestamps in range, ids unique) and the state grows
     * as with new users.
     */
    public static List<Interaction> repeated(List<Interaction> interactions, int passes) {
        List<Interaction> out = new ArrayList<>(interactions.size() * Math.max(1, passes));
        out.addAll(interactions);
        for (int p = 1; p < passes; p++) {
            for (Interaction it : interactions) {
                out.add(new Interaction(it.userId() + "~" + p, it.itemId(), it.timestampMillis(), it.value()));
            }
        }
        return out;
    }

    /** The event id an interaction is sent with: the same on every replay. */
    public static String eventId(Interaction it) {
        return "r-" + it.userId() + "-" + it.itemId() + "-" + it.timestampMillis();
    }

    public static List<byte[]> encode(List<Interaction> interactions, int maxEvents) {
        EventCodec codec = new EventCodec();
        int n = maxEvents > 0 ? Math.min(maxEvents, interactions.size()) : interactions.size();
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Interaction it = interactions.get(i);
            InteractionEvent e = new InteractionEvent(eventId(it),
                    it.userId(), it.itemId(), it.timestampMillis(), "rating", it.value());
            out.add(codec.encodeInteraction(e));
        }
        return out;
    }
}
