package dev.streamrec.model.data;

import java.util.ArrayList;
import java.util.List;

/**
 * A cut in event time for streaming experiments: a model is trained only on the interactions
 * strictly before {@code untilMillis} and then faces the stream from that time on, so nothing it
 * is evaluated on afterwards leaked into its training (a leave-one-out split of the whole log would
 * train on most of a replay's future). The cut is always a time, never an index, so every event
 * of one timestamp falls on the same side and a replay can tell seen from unseen by time alone.
 */
public record TimeCut(long untilMillis) {

    /**
     * The cut that keeps about the first {@code fraction} of a log: the timestamp of the
     * interaction at position {@code floor(fraction * n)} in replay order (exclusive), so the
     * training part is the events strictly before it, slightly fewer than {@code fraction * n} when
     * that position sits inside a second with several events. {@code fraction = 1} keeps everything.
     */
    public static TimeCut atFraction(List<Interaction> log, double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("the training fraction must be in (0, 1], got " + fraction);
        }
        if (log.isEmpty()) {
            throw new IllegalArgumentException("cannot cut an empty log");
        }
        List<Interaction> sorted = new ArrayList<>(log);
        sorted.sort(Interaction.REPLAY_ORDER);
        int position = (int) Math.floor(fraction * sorted.size());
        return new TimeCut(position >= sorted.size() ? Long.MAX_VALUE : sorted.get(position).timestampMillis());
    }

    /** The interactions strictly before the cut (the training part), in their input order. */
    public List<Interaction> before(List<Interaction> log) {
        return log.stream().filter(i -> i.timestampMillis() < untilMillis).toList();
    }

    /** The interactions at or after the cut (what a model trained before it has never seen). */
    public List<Interaction> from(List<Interaction> log) {
        return log.stream().filter(i -> i.timestampMillis() >= untilMillis).toList();
    }
}
