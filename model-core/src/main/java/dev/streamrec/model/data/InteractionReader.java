package dev.streamrec.model.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Reads interaction CSVs: MovieLens {@code ratings.csv} ({@code userId,movieId,rating,timestamp},
 * seconds) and the generic format with the header {@code userId,itemId,timestamp} (epoch millis,
 * extra columns ignored, an optional {@code value} column kept). The result is sorted in
 * {@link Interaction#REPLAY_ORDER}.
 */
public final class InteractionReader {

    private InteractionReader() {}

    /** Reads either format, chosen from the header; {@code .gz} files are decompressed. */
    public static List<Interaction> read(Path csv) throws IOException {
        try (InputStream raw = Files.newInputStream(csv);
                InputStream in = csv.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            return read(in, csv.toString());
        }
    }

    /** Reads either format from a stream; {@code source} names it in error messages. */
    public static List<Interaction> read(InputStream in, String source) throws IOException {
        Path csv = Path.of(source);
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String header = reader.readLine();
            if (header == null) {
                throw new IOException("empty interactions file: " + csv);
            }
            List<String> columns = CsvLineParser.parse(stripBom(header));
            Layout layout = Layout.of(columns, csv);
            List<Interaction> out = new ArrayList<>();
            String line;
            int lineNo = 1;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                List<String> f = CsvLineParser.parse(line);
                try {
                    long ts = Long.parseLong(f.get(layout.timestamp).trim());
                    double value =
                            layout.value >= 0 && !f.get(layout.value).isBlank()
                                    ? Double.parseDouble(f.get(layout.value).trim())
                                    : 1.0;
                    out.add(
                            new Interaction(
                                    f.get(layout.user).trim(),
                                    f.get(layout.item).trim(),
                                    layout.secondsTimestamps ? ts * 1000L : ts,
                                    value));
                } catch (RuntimeException e) {
                    throw new IOException(csv + ":" + lineNo + ": malformed row: " + line, e);
                }
            }
            out.sort(Interaction.REPLAY_ORDER);
            return out;
        }
    }

    private static String stripBom(String s) {
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    private record Layout(int user, int item, int timestamp, int value, boolean secondsTimestamps) {
        static Layout of(List<String> header, Path csv) throws IOException {
            List<String> cols = header.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
            int user = cols.indexOf("userid");
            int ts = cols.indexOf("timestamp");
            int movie = cols.indexOf("movieid");
            int item = cols.indexOf("itemid");
            if (user < 0 || ts < 0 || (item < 0 && movie < 0)) {
                throw new IOException(
                        csv + ": header must contain userId, itemId (or movieId) and timestamp, got " + header);
            }
            if (item >= 0) {
                return new Layout(user, item, ts, cols.indexOf("value"), false);
            }
            // MovieLens: seconds, the rating is the value.
            return new Layout(user, movie, ts, cols.indexOf("rating"), true);
        }
    }
}
