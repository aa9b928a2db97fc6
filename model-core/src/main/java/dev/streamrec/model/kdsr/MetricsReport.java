package dev.streamrec.model.kdsr;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamrec.model.cli.MetricsTable;

import java.util.List;
import java.util.Locale;

/**
 * Prints a train/evaluate report: a metrics table (validation and test rows, each metric with its
 * 95% confidence interval, and each split's paired test against popularity) or one JSON object.
 */
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
        System.out.printf(Locale.ROOT, "protocol %s  %d validation cases (%d targets per user)  %d test cases%n",
                report.path("protocol").asText("full"), report.path("validationCases").asInt(),
                report.path("validationTargets").asInt(), report.path("testCases").asInt());
        if (report.has("history")) {
            System.out.println("history " + report.path("history").asText());
        }
        MetricsTable.print(System.out, report, List.of("validation", "test"), KdsrArtifacts.POPULARITY_MODEL);
    }
}
