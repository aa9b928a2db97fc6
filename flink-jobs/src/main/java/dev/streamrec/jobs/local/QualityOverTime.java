package dev.streamrec.jobs.local;

import dev.streamrec.model.cli.LineChart;
import dev.streamrec.model.data.TimeCut;
import dev.streamrec.schema.event.EvalMetrics;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * NDCG@10 over event time per served model (all versions of a model name together), from the
 * per-window prequential records: a CSV, a PNG chart, and the event-weighted NDCG@10 of each model
 * over the second half of the replay (by event time), e.g. to compare a frozen and a fine-tuned line.
 * With a training cut it also reports each model over the windows that start at or after the cut:
 * the events a model trained before the cut has never seen.
 */
final class QualityOverTime {

    private QualityOverTime() {}

    static void write(Path dir, List<EvalMetrics> windows, TimeCut cut, PrintStream out) throws IOException {
        Files.createDirectories(dir);
        // model -> window start -> (events, NDCG sum)
        Map<String, TreeMap<Long, double[]>> byModel = new TreeMap<>();
        TreeSet<Long> starts = new TreeSet<>();
        for (EvalMetrics w : windows) {
            double[] acc = byModel.computeIfAbsent(w.model, k -> new TreeMap<>()).computeIfAbsent(w.windowStart, k -> new double[2]);
            acc[0] += w.count;
            acc[1] += w.count * w.metrics.getOrDefault("NDCG@10", 0.0);
            starts.add(w.windowStart);
        }
        List<Long> common = new ArrayList<>();
        for (Long s : starts) {
            if (byModel.values().stream().allMatch(m -> m.containsKey(s))) {
                common.add(s);
            }
        }
        StringBuilder csv = new StringBuilder("windowStart,model,events,ndcg10\n");
        List<String> labels = new ArrayList<>();
        List<double[]> series = new ArrayList<>();
        long half = common.isEmpty() ? 0 : common.get(common.size() / 2);
        out.println();
        out.println("== NDCG@10 over event time (" + common.size() + " windows) ==");
        if (cut != null && half < cut.untilMillis()) {
            out.println("note: the second half starts before the training cut; its first windows were seen in training");
        }
        for (Map.Entry<String, TreeMap<Long, double[]>> e : byModel.entrySet()) {
            double[] y = new double[common.size()];
            double events = 0;
            double sum = 0;
            double[] unseen = new double[2];
            for (int i = 0; i < common.size(); i++) {
                double[] acc = e.getValue().get(common.get(i));
                y[i] = acc[0] == 0 ? 0 : acc[1] / acc[0];
                csv.append(common.get(i)).append(',').append(e.getKey()).append(',').append((long) acc[0]).append(',')
                        .append(String.format(Locale.ROOT, "%.6f", y[i])).append('\n');
                if (common.get(i) >= half) {
                    events += acc[0];
                    sum += acc[1];
                }
                if (cut != null && common.get(i) >= cut.untilMillis()) {
                    unseen[0] += acc[0];
                    unseen[1] += acc[1];
                }
            }
            labels.add(e.getKey());
            series.add(y);
            out.printf(Locale.ROOT, "%-16s NDCG@10 over the second half (from %s): %.4f (%,.0f events)%n", e.getKey(),
                    Instant.ofEpochMilli(half).toString().substring(0, 10), events == 0 ? 0 : sum / events, events);
            if (cut != null) {
                out.printf(Locale.ROOT, "%-16s NDCG@10 from the training cut (windows from %s): %.4f (%,.0f events)%n",
                        e.getKey(), Instant.ofEpochMilli(cut.untilMillis()).toString().substring(0, 10),
                        unseen[0] == 0 ? 0 : unseen[1] / unseen[0], unseen[0]);
            }
        }
        Files.writeString(dir.resolve("ndcg-over-time.csv"), csv, StandardCharsets.UTF_8);
        LineChart.write(dir.resolve("ndcg-over-time.png"), "Prequential NDCG@10 per event-time window", "window",
                labels, series);
        out.println("wrote " + dir.resolve("ndcg-over-time.png") + " and ndcg-over-time.csv");
    }
}
