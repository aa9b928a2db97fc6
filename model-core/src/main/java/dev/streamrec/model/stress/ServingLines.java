package dev.streamrec.model.stress;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The lines a serving stress child prints and its parent reads back: a {@link #PROGRESS} line every
 * report interval, and at the end one {@link #RESULT} line per served model and one {@link #TOTAL}
 * line; with fine-tuning in the serving JVM ({@link InJvmFineTuning}) also a {@link #FINE_TUNE_ROUND}
 * line per round and a {@link #FINE_TUNE_TOTAL} line at the end. Each is the prefix and {@code key=value} fields. A crashed child has no final lines, but
 * its progress lines still show how far it got and how its memory grew.
 */
final class ServingLines {

    static final String PROGRESS = "serving-progress";
    static final String RESULT = "serving-result";
    static final String TOTAL = "serving-total";
    static final String FINE_TUNE_ROUND = "serving-finetune";
    static final String FINE_TUNE_TOTAL = "serving-finetune-total";

    /** One served model's counts at the end ({@link ServingCounts}). */
    record Result(String model, long events, long batches, long swaps, long nonFinite, long badAnswers,
            long exceptions, long coldEmpty) {

        /** Whether anything went wrong. */
        boolean clean() {
            return nonFinite == 0 && badAnswers == 0 && exceptions == 0;
        }
    }

    /**
     * A progress report, totals over every model so far.
     *
     * @param rssMb the child's resident set; -1 when unknown
     */
    record Progress(double elapsedSeconds, long events, long batches, long swaps, long nonFinite, long badAnswers,
            long exceptions, long rssMb, long heapMb) {}

    /** The end of a run: events replayed, batches scored, seconds served. */
    record Total(long events, long batches, double seconds) {}

    /** One fine-tuning round in the serving JVM: its model, number, seconds and the written weights' count. */
    record FineTuneRound(String model, long round, double seconds, long nonFinite, long checked) {}

    /** The fine-tuning rounds of a run: finished, failed (threw), with non-finite weights, seconds in all. */
    record FineTuneTotal(long rounds, long failed, long nonFiniteRounds, double seconds) {}

    /**
     * Everything a child's output says. {@code total} is null when the child never finished;
     * {@code fineTune} is null when it ran no fine-tuning (or never finished).
     */
    record Parsed(List<Progress> progress, List<Result> results, Total total, List<FineTuneRound> rounds,
            FineTuneTotal fineTune) {

        boolean finished() {
            return total != null;
        }
    }

    private ServingLines() {}

    static String progress(Progress p) {
        return String.format(Locale.ROOT,
                "%s elapsed=%.1fs events=%d batches=%d swaps=%d nonFinite=%d badAnswers=%d exceptions=%d rssMb=%d heapMb=%d",
                PROGRESS, p.elapsedSeconds(), p.events(), p.batches(), p.swaps(), p.nonFinite(), p.badAnswers(),
                p.exceptions(), p.rssMb(), p.heapMb());
    }

    static String result(Result r) {
        return String.format(Locale.ROOT,
                "%s model=%s events=%d batches=%d swaps=%d nonFinite=%d badAnswers=%d exceptions=%d coldEmpty=%d", RESULT,
                r.model(), r.events(), r.batches(), r.swaps(), r.nonFinite(), r.badAnswers(), r.exceptions(), r.coldEmpty());
    }

    static String total(Total t) {
        return String.format(Locale.ROOT, "%s events=%d batches=%d seconds=%.1f", TOTAL, t.events(), t.batches(), t.seconds());
    }

    static String fineTuneRound(FineTuneRound r) {
        return String.format(Locale.ROOT, "%s model=%s round=%d seconds=%.1f nonFinite=%d checked=%d", FINE_TUNE_ROUND,
                r.model(), r.round(), r.seconds(), r.nonFinite(), r.checked());
    }

    static String fineTuneTotal(FineTuneTotal t) {
        return String.format(Locale.ROOT, "%s rounds=%d failed=%d nonFiniteRounds=%d seconds=%.1f", FINE_TUNE_TOTAL,
                t.rounds(), t.failed(), t.nonFiniteRounds(), t.seconds());
    }

    /** Whether a line is one of these (the parent echoes them while the child runs). */
    static boolean isReport(String line) {
        for (String prefix : List.of(PROGRESS, RESULT, TOTAL, FINE_TUNE_ROUND, FINE_TUNE_TOTAL)) {
            if (line.startsWith(prefix + " ")) {
                return true;
            }
        }
        return false;
    }

    /** Reads a child's output; other lines (logs, warnings, a torn last line) are skipped. */
    static Parsed parse(List<String> lines) {
        List<Progress> progress = new ArrayList<>();
        List<Result> results = new ArrayList<>();
        Total total = null;
        List<FineTuneRound> rounds = new ArrayList<>();
        FineTuneTotal fineTune = null;
        for (String line : lines) {
            try {
                if (line.startsWith(PROGRESS + " ")) {
                    Map<String, String> f = fields(line);
                    progress.add(new Progress(Double.parseDouble(f.get("elapsed").replace("s", "")), num(f, "events"),
                            num(f, "batches"), num(f, "swaps"), num(f, "nonFinite"), num(f, "badAnswers"),
                            num(f, "exceptions"), num(f, "rssMb"), num(f, "heapMb")));
                } else if (line.startsWith(RESULT + " ")) {
                    Map<String, String> f = fields(line);
                    results.add(new Result(f.get("model"), num(f, "events"), num(f, "batches"), num(f, "swaps"),
                            num(f, "nonFinite"), num(f, "badAnswers"), num(f, "exceptions"), num(f, "coldEmpty")));
                } else if (line.startsWith(TOTAL + " ")) {
                    Map<String, String> f = fields(line);
                    total = new Total(num(f, "events"), num(f, "batches"), Double.parseDouble(f.get("seconds")));
                } else if (line.startsWith(FINE_TUNE_ROUND + " ")) {
                    Map<String, String> f = fields(line);
                    rounds.add(new FineTuneRound(f.get("model"), num(f, "round"), Double.parseDouble(f.get("seconds")),
                            num(f, "nonFinite"), num(f, "checked")));
                } else if (line.startsWith(FINE_TUNE_TOTAL + " ")) {
                    Map<String, String> f = fields(line);
                    fineTune = new FineTuneTotal(num(f, "rounds"), num(f, "failed"), num(f, "nonFiniteRounds"),
                            Double.parseDouble(f.get("seconds")));
                }
            } catch (RuntimeException torn) {
                // a line cut off by a crash: what it said is lost, the lines before it are not
            }
        }
        return new Parsed(progress, results, total, rounds, fineTune);
    }

    private static Map<String, String> fields(String line) {
        Map<String, String> f = new LinkedHashMap<>();
        for (String token : line.split("\\s+")) {
            int eq = token.indexOf('=');
            if (eq > 0) {
                f.put(token.substring(0, eq), token.substring(eq + 1));
            }
        }
        return f;
    }

    private static long num(Map<String, String> f, String key) {
        String v = f.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no " + key);
        }
        return Long.parseLong(v);
    }
}
