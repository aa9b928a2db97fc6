package dev.streamrec.jobs.bench;

import dev.streamrec.jobs.state.CompactStrings;
import dev.streamrec.jobs.state.EventIds;
import dev.streamrec.jobs.state.SequenceEntry;
import dev.streamrec.jobs.state.UserSequence;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.CommandOptions;
import dev.streamrec.schema.event.Prediction;
import dev.streamrec.schema.event.RecommendedItem;
import dev.streamrec.schema.serde.EventCodec;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntToLongFunction;

/**
 * {@code bench parts}: the Java the pipeline runs per event, each piece alone in one thread on
 * generated data shaped like the job's (20-item predictions with derived event ids; 50-entry
 * user sequences of MovieLens-like item ids): what end-to-end runs on a shared machine cannot
 * resolve (a microsecond among the tens an event costs). Prints the median and range over the rounds after a
 * warm-up, with the Jackson generator's prediction encoding beside the direct one it is held equal to.
 */
final class PipelinePartsBenchmark {

    private static final int SEQUENCE_LENGTH = 50;
    /** Where the results go, so that the JIT cannot drop the calls. */
    private static volatile long blackhole;

    private PipelinePartsBenchmark() {}

    static CommandOptions options(PrintStream out) {
        return CommandOptions.command("parts", "The pipeline's per-event Java, piece by piece, one thread.", a -> run(a, out))
                .integer("rounds", 9, "Measured rounds (median and range).")
                .integer("warmup-rounds", 5, "Rounds before measuring (JIT warm-up).")
                .longInteger("seed", 1, "Seed of the generated data.")
                .integer("top-k", 20, "Items per generated prediction.")
                .examples("streamrec.jar bench parts --rounds 15");
    }

    static int run(CliArgs a, PrintStream out) {
        int rounds = a.getInt("rounds");
        int warmup = a.getInt("warmup-rounds");
        Random random = new Random(a.getLong("seed"));

        EventCodec codec = new EventCodec();
        List<Prediction> predictions = predictions(random, 1_000, a.getInt("top-k"));
        Sequences sequences = Sequences.generate(random, 2_000);

        out.printf("%-44s %12s %22s%n", "part (one thread)", "µs per call", "range over " + rounds + " rounds");
        time(out, "prediction JSON, direct (PredictionJson)", rounds, warmup, predictions.size(),
                i -> codec.encodePrediction(predictions.get(i)).length);
        time(out, "prediction JSON, Jackson generator", rounds, warmup, predictions.size(),
                i -> codec.encodePredictionWithGenerator(predictions.get(i)).length);
        time(out, "in-order append to a 50-entry sequence", rounds, warmup, sequences.size(),
                i -> sequences.append(i).state().length);
        time(out, "request history decoded (50 item ids)", rounds, warmup, sequences.size(),
                i -> CompactStrings.decodeList(sequences.history(i)).size());
        return 0;
    }

    /** Times {@code call} over indices 0..n-1, {@code 200_000 / n} passes per round, and prints a row. */
    private static void time(PrintStream out, String name, int rounds, int warmup, int n, IntToLongFunction call) {
        int passes = Math.max(1, 200_000 / n);
        double[] micros = new double[rounds];
        long sink = 0;
        for (int r = -warmup; r < rounds; r++) {
            long start = System.nanoTime();
            for (int p = 0; p < passes; p++) {
                for (int i = 0; i < n; i++) {
                    sink += call.applyAsLong(i);
                }
            }
            if (r >= 0) {
                micros[r] = (System.nanoTime() - start) / 1e3 / ((double) passes * n);
            }
        }
        blackhole = sink;
        Arrays.sort(micros);
        out.printf("%-44s %12.2f %22s%n", name, micros[rounds / 2],
                String.format("%.2f–%.2f", micros[0], micros[rounds - 1]));
    }

    private static List<Prediction> predictions(Random random, int count, int topK) {
        List<Prediction> out = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            List<RecommendedItem> items = new ArrayList<>(topK);
            for (int i = 0; i < topK; i++) {
                items.add(new RecommendedItem(String.valueOf(random.nextInt(200_000)), random.nextFloat() * 10 - 5));
            }
            String user = "u" + random.nextInt(1_000);
            long time = 1_700_000_000_000L + n;
            out.add(new Prediction(EventCodec.deriveEventId(user, items.get(0).itemId, time, "rating"), user, time,
                    "sasrec", "v1", items, 12));
        }
        return out;
    }

    /** Users' stored sequences (full, 50 entries) and each one's next, in-order event. */
    private record Sequences(byte[][] stored, SequenceEntry[] next, long[] keys, byte[][] histories) {

        static Sequences generate(Random random, int users) {
            byte[][] stored = new byte[users][];
            SequenceEntry[] next = new SequenceEntry[users];
            long[] keys = new long[users];
            byte[][] histories = new byte[users][];
            long time = 1_000_000L;
            for (int u = 0; u < users; u++) {
                byte[] s = null;
                for (int i = 0; i <= SEQUENCE_LENGTH; i++) {
                    time += 10;
                    String item = String.valueOf(random.nextInt(190_000));
                    String id = EventCodec.deriveEventId("u" + u, item, time, "rating");
                    SequenceEntry e = new SequenceEntry(item, time, id);
                    if (i == SEQUENCE_LENGTH) {
                        next[u] = e;
                        keys[u] = EventIds.key(id);
                    } else {
                        UserSequence.Update update = UserSequence.apply(s, e, EventIds.key(id), SEQUENCE_LENGTH, 64);
                        s = update.state();
                        histories[u] = update.history();
                    }
                }
                stored[u] = s;
            }
            return new Sequences(stored, next, keys, histories);
        }

        int size() {
            return stored.length;
        }

        UserSequence.Update append(int user) {
            return UserSequence.apply(stored[user], next[user], keys[user], SEQUENCE_LENGTH, 64);
        }

        byte[] history(int user) {
            return histories[user];
        }
    }
}
