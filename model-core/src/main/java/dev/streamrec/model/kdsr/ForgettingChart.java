package dev.streamrec.model.kdsr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.cli.LineChart;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws the "modality forgetting" picture of the KDSR paper from trained artifacts: per epoch, the
 * Pearson correlation between the modality similarities and the learned item-table similarities of
 * a fixed pair sample (recorded during training by {@link ModalityCorrelationProbe}). Headless AWT,
 * no dependency. Usage: {@code ForgettingChart OUT.png MODALITY label=ARTIFACT_DIR ...}.
 */
public final class ForgettingChart {


    private ForgettingChart() {}

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        String modality = args[1];
        List<String> labels = new ArrayList<>();
        List<double[]> series = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            JsonNode history = ModelArtifact.load(Path.of(args[i].substring(eq + 1))).config().path("training").path("run").path("validations");
            double[] y = new double[history.size()];
            for (int e = 0; e < y.length; e++) {
                y[e] = history.get(e).path("metrics").path("corr." + modality).asDouble();
            }
            labels.add(args[i].substring(0, eq));
            series.add(y);
        }
        LineChart.write(Path.of(args[0]), "Pearson r: " + modality + " similarity vs learned item-embedding similarity",
                "epoch", labels, series);
    }
}
