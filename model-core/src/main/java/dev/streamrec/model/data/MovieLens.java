package dev.streamrec.model.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The MovieLens latest-small dataset (GroupLens terms, see its README) shipped inside this jar, or
 * the same files from a directory: ratings as interactions, movie titles and genres, user tags.
 */
public final class MovieLens {

    /** Where the bundled copy lives on the classpath. */
    public static final String BUNDLED = "/datasets/movielens-latest-small/";

    /** A movie's side information. */
    public record Movie(String itemId, String title, List<String> genres) {}

    /** One user tag on a movie. */
    public record Tag(String userId, String itemId, String tag, long timestampMillis) {}

    private final Path dir;

    private MovieLens(Path dir) {
        this.dir = dir;
    }

    /** The copy inside the jar. */
    public static MovieLens bundled() {
        return new MovieLens(null);
    }

    /** The files {@code ratings.csv}, {@code movies.csv}, {@code tags.csv} in a directory. */
    public static MovieLens inDirectory(Path dir) {
        return new MovieLens(dir);
    }

    /** All ratings as interactions in replay order (timestamp, user, item). */
    public List<Interaction> interactions() throws IOException {
        try (InputStream in = open("ratings.csv")) {
            return InteractionReader.read(in, "ratings.csv");
        }
    }

    /** Movies by id, in file order. */
    public Map<String, Movie> movies() throws IOException {
        Map<String, Movie> movies = new LinkedHashMap<>();
        for (List<String> f : rows("movies.csv")) {
            List<String> genres = f.get(2).equals("(no genres listed)") ? List.of() : List.of(f.get(2).split("\\|"));
            movies.put(f.get(0), new Movie(f.get(0), f.get(1), genres));
        }
        return movies;
    }

    public List<Tag> tags() throws IOException {
        List<Tag> tags = new ArrayList<>();
        for (List<String> f : rows("tags.csv")) {
            tags.add(new Tag(f.get(0), f.get(1), f.get(2), Long.parseLong(f.get(3)) * 1000L));
        }
        return tags;
    }

    private List<List<String>> rows(String file) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(open(file), StandardCharsets.UTF_8))) {
            r.readLine();
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    rows.add(CsvLineParser.parse(line));
                }
            }
        }
        return rows;
    }

    /** Opens one of the dataset's files. */
    public InputStream open(String file) throws IOException {
        if (dir != null) {
            return Files.newInputStream(dir.resolve(file));
        }
        InputStream in = MovieLens.class.getResourceAsStream(BUNDLED + file);
        if (in == null) {
            throw new UncheckedIOException(new IOException("bundled dataset file missing: " + file));
        }
        return in;
    }
}
