package dev.streamrec.model.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A small line chart drawn with java.awt (headless, no dependency): one line per series over
 * points 1..n, a legend and value grid; for reports such as the modality-forgetting curve or
 * NDCG@10 over time.
 */
public final class LineChart {

    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd), new Color(0xff7f0e)
    };
    private static final int W = 800;
    private static final int H = 480;
    private static final int PAD = 60;

    private LineChart() {}

    /** Writes the chart as a PNG. */
    public static void write(Path png, String title, String xLabel, List<String> labels, List<double[]> series)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        ImageIO.write(draw(title, xLabel, labels, series), "png", png.toFile());
    }

    public static BufferedImage draw(String title, String xLabel, List<String> labels, List<double[]> series) {
        int epochs = 1;
        double lo = 0;
        double hi = 0.1;
        for (double[] y : series) {
            epochs = Math.max(epochs, y.length);
            for (double v : y) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        hi = Math.ceil(hi * 10) / 10;
        lo = Math.floor(lo * 10) / 10;
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, PAD, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawLine(PAD, H - PAD, W - PAD, H - PAD);
        g.drawLine(PAD, PAD, PAD, H - PAD);
        for (int t = 0; t <= 5; t++) {
            double v = lo + (hi - lo) * t / 5;
            int y = yOf(v, lo, hi);
            g.setColor(new Color(0xdddddd));
            g.drawLine(PAD + 1, y, W - PAD, y);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%.2f", v), 15, y + 4);
        }
        for (int e = 1; e <= epochs; e += Math.max(1, epochs / 10)) {
            g.drawString(Integer.toString(e), xOf(e, epochs) - 4, H - PAD + 18);
        }
        g.drawString(xLabel, W / 2 - 15, H - 20);
        g.setStroke(new BasicStroke(2.2f));
        for (int s = 0; s < series.size(); s++) {
            g.setColor(COLORS[s % COLORS.length]);
            double[] y = series.get(s);
            for (int e = 1; e < y.length; e++) {
                g.drawLine(xOf(e, epochs), yOf(y[e - 1], lo, hi), xOf(e + 1, epochs), yOf(y[e], lo, hi));
            }
            g.fillRect(W - PAD - 200, PAD + 10 + 20 * s, 14, 4);
            g.drawString(labels.get(s), W - PAD - 180, PAD + 16 + 20 * s);
        }
        g.dispose();
        return img;
    }

    private static int xOf(int epoch, int epochs) {
        return PAD + (int) Math.round((W - 2.0 * PAD) * (epoch - 1) / Math.max(1, epochs - 1));
    }

    private static int yOf(double v, double lo, double hi) {
        return H - PAD - (int) Math.round((H - 2.0 * PAD) * (v - lo) / (hi - lo));
    }
}
