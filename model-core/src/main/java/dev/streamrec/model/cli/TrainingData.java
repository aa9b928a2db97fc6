package dev.streamrec.model.cli;

import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.data.InteractionReader;
import dev.streamrec.model.data.MovieLens;
import dev.streamrec.model.data.TimeCut;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The interactions a {@code train} or {@code evaluate} command works on: {@code --data} (an
 * interactions CSV or a MovieLens directory; default the bundled MovieLens), optionally cut in event
 * time for streaming experiments with {@code --train-until MILLIS} (keep events strictly before
 * that epoch-millisecond time) or {@code --train-fraction F} (keep about the first F of the events in
 * replay order, cut at a timestamp; see {@link TimeCut#atFraction}). Any family can read its data
 * through here, so the cut means the same for every model.
 */
public final class TrainingData {

    public static final String UNTIL = "train-until";
    public static final String FRACTION = "train-fraction";

    private TrainingData() {}

    /** Declares {@code --data}, {@code --train-until} and {@code --train-fraction} on {@code command}. */
    public static void declare(CommandOptions command) {
        command.path("data", null, "Interactions CSV (userId,itemId,timestamp[,value]) or a MovieLens directory "
                        + "(default: the bundled MovieLens latest-small).");
        declareCut(command);
    }

    /** Declares {@code --train-until} and {@code --train-fraction} on {@code command}. */
    public static void declareCut(CommandOptions command) {
        command.optionalLong(UNTIL, "Train only on the events strictly before this epoch-millisecond time.")
                .optionalDecimal(FRACTION, "Train only on about the first F of the events in replay order (cut at a timestamp).");
    }

    /** The whole log of {@code --data}, or the bundled MovieLens, in replay order. */
    public static List<Interaction> readAll(CliArgs args) throws IOException {
        if (!args.has("data")) {
            return MovieLens.bundled().interactions();
        }
        Path data = args.getPath("data");
        return Files.isDirectory(data) ? MovieLens.inDirectory(data).interactions() : InteractionReader.read(data);
    }

    /** The training log: {@link #readAll} before the cut when one is asked for. */
    public static List<Interaction> read(CliArgs args) throws IOException {
        List<Interaction> all = readAll(args);
        return cut(args, all).map(c -> c.before(all)).orElse(all);
    }

    /** The cut asked for by {@code --train-until} or {@code --train-fraction} (not both), if any. */
    public static Optional<TimeCut> cut(CliArgs args, List<Interaction> log) {
        if (args.has(UNTIL) && args.has(FRACTION)) {
            throw new IllegalArgumentException("give --" + UNTIL + " or --" + FRACTION + ", not both");
        }
        if (args.has(UNTIL)) {
            return Optional.of(new TimeCut(args.getLong(UNTIL)));
        }
        if (args.has(FRACTION)) {
            return Optional.of(TimeCut.atFraction(log, args.getDouble(FRACTION)));
        }
        return Optional.empty();
    }
}
