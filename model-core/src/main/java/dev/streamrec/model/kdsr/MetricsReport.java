package dev.streamrec.model.kdsr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/** Prints a train/evaluate report: a metrics table (validation and test rows) or one JSON object. */
final class MetricsReport {

    private MetricsReport() {}

    static void print(ObjectNode report, boolean json) {
        if (json) {
            System.out.println(report.toString());
            return;
        }
        System.out.printf(Locale.ROOT, "model %s  best epoch %d  train %.1f s  artifact %s%n",
                report.path("model").asText(), report.path("bestEpoch").asInt(),
                report.path("trainSeconds").asDouble(), report.path("artifact").asText());
        JsonNode val = report.path("validation");
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-11s", "split"));
        for (Iterator<String> it = val.fieldNames(); it.hasNext(); ) {
            header.append(String.format(Locale.ROOT, "%9s", it.next()));
        }
        System.out.println(header);
        for (String split : new String[] {"validation", "test"}) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-11s", split));
            for (Iterator<Map.Entry<String, JsonNode>> it = report.path(split).fields(); it.hasNext(); ) {
                row.append(String.format(Locale.ROOT, "%9.4f", it.next().getValue().asDouble()));
            }
            System.out.println(row);
        }
    }
}
