package dev.streamrec.model.cli;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A line chart drawn with JFreeChart (headless): one line per series over points 1..n, with a legend,
 * integer ticks on the x axis and a value grid; for reports such as the modality-forgetting curve
 * or NDCG@10 over time.
 */
public final class LineChart {

    private static final int W = 800;
    private static final int H = 480;

    private LineChart() {}

    /** Writes the chart as a PNG. */
    public static void write(Path png, String title, String xLabel, List<String> labels, List<double[]> series)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        ChartUtils.saveChartAsPNG(png.toFile(), chart(title, xLabel, labels, series), W, H);
    }

    public static BufferedImage draw(String title, String xLabel, List<String> labels, List<double[]> series) {
        System.setProperty("java.awt.headless", "true");
        return chart(title, xLabel, labels, series).createBufferedImage(W, H);
    }

    private static JFreeChart chart(String title, String xLabel, List<String> labels, List<double[]> series) {
        XYSeriesCollection lines = new XYSeriesCollection();
        for (int s = 0; s < series.size(); s++) {
            XYSeries line = new XYSeries(labels.get(s));
            double[] y = series.get(s);
            for (int i = 0; i < y.length; i++) {
                line.add(i + 1, y[i]);
            }
            lines.addSeries(line);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, null, lines, PlotOrientation.VERTICAL,
                true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.getDomainAxis().setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        return chart;
    }
}
