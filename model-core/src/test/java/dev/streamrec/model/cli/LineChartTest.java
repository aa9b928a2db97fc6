package dev.streamrec.model.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chart is a readable PNG of its size with something drawn on it. */
class LineChartTest {

    @Test
    void writesAPngOfTheChart(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("c.png");
        LineChart.write(png, "NDCG@10", "window", List.of("sasrec", "popularity"),
                List.of(new double[] {0.01, 0.03, 0.02}, new double[] {0.005, 0.006, Double.NaN}));
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(800, image.getWidth());
        assertEquals(480, image.getHeight());
        int drawn = 0;
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                drawn += image.getRGB(x, y) == image.getRGB(0, 0) ? 0 : 1;
            }
        }
        assertTrue(drawn > 4_000, "title, axes, legend and lines: " + drawn + " pixels");
    }
}
