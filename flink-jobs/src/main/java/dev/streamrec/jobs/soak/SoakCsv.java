package dev.streamrec.jobs.soak;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A soak run's samples as CSV, one row per sample written (and flushed) as it is taken, so a run
 * that is killed still leaves its data: {@code elapsed_s} then one column per series, empty for a
 * value that could not be read. {@link #read} gives the samples back.
 */
public final class SoakCsv implements AutoCloseable {

    static final String ELAPSED = "elapsed_s";

    private final List<String> columns;
    private final BufferedWriter out;

    /** Creates {@code file} (replacing it) with the header of {@code columns}. */
    public SoakCsv(Path file, List<String> columns) throws IOException {
        this.columns = List.copyOf(columns);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        out.write(ELAPSED + "," + String.join(",", columns));
        out.newLine();
        out.flush();
    }

    /** Appends one row and flushes it. */
    public synchronized void append(SoakSample s) throws IOException {
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%.1f", s.elapsedSeconds()));
        for (String c : columns) {
            double v = s.get(c);
            row.append(',');
            if (!Double.isNaN(v)) {
                row.append(v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v)
                        : String.format(Locale.ROOT, "%.3f", v));
            }
        }
        out.write(row.toString());
        out.newLine();
        out.flush();
    }

    /** The samples of a file {@link SoakCsv} wrote. */
    public static List<SoakSample> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            return List.of();
        }
        String[] header = lines.get(0).split(",", -1);
        List<SoakSample> samples = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",", -1);
            Map<String, Double> values = new LinkedHashMap<>();
            for (int i = 1; i < header.length && i < f.length; i++) {
                values.put(header[i], f[i].isEmpty() ? Double.NaN : Double.parseDouble(f[i]));
            }
            samples.add(new SoakSample(Double.parseDouble(f[0]), values));
        }
        return samples;
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
