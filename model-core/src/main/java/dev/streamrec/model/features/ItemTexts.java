package dev.streamrec.model.features;

import dev.streamrec.model.data.CsvLineParser;
import dev.streamrec.model.data.MovieLens;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * The text of each item per modality, the input of {@link TextEmbedder}: for MovieLens the
 * {@code title} modality (the title) and the {@code tags} modality (genres plus the users'
 * free-text tags, deduplicated case-insensitively, in first-seen order; a movie with neither gets
 * MovieLens' own marker {@code (no genres listed)}, so every movie has a vector); for any other
 * dataset a generic {@code itemId,text} CSV, where items with a blank text are left out.
 */
public final class ItemTexts {

    /** The text of a movie without genres or tags (MovieLens' marker for no genres). */
    static final String NO_TAGS = "(no genres listed)";

    private ItemTexts() {}

    /** Modality name to (itemId to text), both in the movie file's order. */
    public static Map<String, Map<String, String>> movieLens(MovieLens ml) throws IOException {
        Map<String, MovieLens.Movie> movies = ml.movies();
        Map<String, Set<String>> tagSets = new LinkedHashMap<>();
        Map<String, Set<String>> seenLower = new LinkedHashMap<>();
        for (MovieLens.Tag t : ml.tags()) {
            String tag = t.tag().trim();
            if (!tag.isEmpty() && seenLower.computeIfAbsent(t.itemId(), k -> new LinkedHashSet<>())
                    .add(tag.toLowerCase(Locale.ROOT))) {
                tagSets.computeIfAbsent(t.itemId(), k -> new LinkedHashSet<>()).add(tag);
            }
        }
        Map<String, String> titles = new LinkedHashMap<>();
        Map<String, String> tags = new LinkedHashMap<>();
        for (MovieLens.Movie m : movies.values()) {
            titles.put(m.itemId(), m.title());
            tags.put(m.itemId(), tagText(m.genres(), tagSets.getOrDefault(m.itemId(), Set.of())));
        }
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        out.put("title", titles);
        out.put("tags", tags);
        return out;
    }

    /** "genre, genre, tag, tag" with case-insensitive duplicates removed. */
    static String tagText(List<String> genres, Set<String> tags) {
        Set<String> lower = new LinkedHashSet<>();
        StringBuilder sb = new StringBuilder();
        for (String w : genres) {
            append(sb, lower, w);
        }
        for (String w : tags) {
            append(sb, lower, w);
        }
        return sb.length() == 0 ? NO_TAGS : sb.toString();
    }

    private static void append(StringBuilder sb, Set<String> lower, String w) {
        if (lower.add(w.toLowerCase(Locale.ROOT))) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(w);
        }
    }

    /** A generic {@code itemId,text} CSV (header required; .gz allowed), in file order. */
    public static Map<String, String> csv(Path file) throws IOException {
        Map<String, String> texts = new LinkedHashMap<>();
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String header = r.readLine();
            List<String> cols = header == null ? List.of() : CsvLineParser.parse(header.replace("\uFEFF", ""));
            int id = indexOf(cols, "itemid");
            int text = indexOf(cols, "text");
            if (id < 0 || text < 0) {
                throw new IOException(file + ": header must contain itemId and text, got " + cols);
            }
            String line;
            int lineNo = 1;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                List<String> f = CsvLineParser.parse(line);
                if (f.size() <= Math.max(id, text)) {
                    throw new IOException(file + ":" + lineNo + ": expected itemId,text: " + line);
                }
                if (!f.get(text).isBlank()) {
                    texts.put(f.get(id).trim(), f.get(text));
                }
            }
        }
        return texts;
    }

    private static int indexOf(List<String> cols, String name) {
        for (int i = 0; i < cols.size(); i++) {
            if (cols.get(i).trim().toLowerCase(Locale.ROOT).equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
