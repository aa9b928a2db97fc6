package dev.streamrec.jobs.scoring;

import dev.streamrec.jobs.config.JobOptions;
import org.apache.flink.configuration.Configuration;

import java.io.Serializable;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The locations a model update may make the job load an artifact from
 * ({@code models.artifact-allowed-locations}): anyone who can write {@code model-updates} chooses
 * what the job loads, so an update naming any other place is refused. A location is allowed when it
 * lies below one of the directories: same scheme (case aside) and authority (host, bucket), its
 * decoded path under the directory's path, and no {@code .} or {@code ..} segment in it, so neither
 * {@code file:/models/../etc} nor {@code file:/models-evil/} passes {@code file:/models}. Plain paths
 * count as {@code file:} URIs. Symbolic links below an allowed directory are followed: whoever may
 * write there is trusted.
 */
public final class ArtifactAllowList implements Serializable {

    private static final long serialVersionUID = 1L;

    private final List<URI> directories;

    private ArtifactAllowList(List<URI> directories) {
        this.directories = List.copyOf(directories);
    }

    /** The directories given, each a URI or a path; one with a {@code .} or {@code ..} segment is an error. */
    public static ArtifactAllowList of(List<String> directories) {
        List<URI> dirs = new ArrayList<>();
        for (String d : directories) {
            if (d.isBlank()) {
                continue;
            }
            URI u = ArtifactFetcher.uri(d.strip());
            if (!wellFormed(u)) {
                throw new IllegalArgumentException(JobOptions.ARTIFACT_ALLOWED_LOCATIONS.key()
                        + ": not an absolute directory without '.' or '..' segments: " + d);
            }
            dirs.add(u);
        }
        return new ArtifactAllowList(dirs);
    }

    /** The allowed directories of {@code conf}: {@link #locations}. */
    public static ArtifactAllowList from(Configuration conf) {
        return of(locations(conf));
    }

    /**
     * The configured list; unset, the directories holding the job's own artifacts
     * ({@code models.artifacts}), where the model store puts a model's later versions.
     */
    public static List<String> locations(Configuration conf) {
        return conf.getOptional(JobOptions.ARTIFACT_ALLOWED_LOCATIONS).orElseGet(() -> {
            List<String> parents = new ArrayList<>();
            for (String artifact : conf.getOptional(JobOptions.ARTIFACTS).orElse(List.of())) {
                URI u = ArtifactFetcher.uri(artifact).normalize();
                String path = u.getRawPath().replaceAll("/+$", "");
                int slash = path.lastIndexOf('/');
                if (slash > 0) { // never the root
                    parents.add(u.resolve(path.substring(0, slash + 1)).toString());
                }
            }
            return parents;
        });
    }

    /** Why {@code location} may not be loaded; empty when it may. */
    public Optional<String> refusal(String location) {
        if (location == null || location.isBlank()) {
            return Optional.of("model update refused: no artifact location");
        }
        URI u;
        try {
            u = ArtifactFetcher.uri(location);
        } catch (RuntimeException e) {
            return Optional.of("model update refused: artifact location " + location + " is not a URI");
        }
        if (wellFormed(u) && directories.stream().anyMatch(d -> below(u, d))) {
            return Optional.empty();
        }
        return Optional.of("model update refused: artifact location " + location + " is outside "
                + JobOptions.ARTIFACT_ALLOWED_LOCATIONS.key() + " " + directories);
    }

    /** Hierarchical, with a scheme and a path, no query or fragment, no '.' or '..' segment. */
    private static boolean wellFormed(URI u) {
        if (u.getScheme() == null || u.isOpaque() || u.getPath() == null || u.getRawQuery() != null
                || u.getRawFragment() != null) {
            return false;
        }
        for (String segment : u.getPath().split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private static boolean below(URI location, URI dir) {
        String dirPath = dir.getPath().endsWith("/") ? dir.getPath() : dir.getPath() + "/";
        return location.getScheme().toLowerCase(Locale.ROOT).equals(dir.getScheme().toLowerCase(Locale.ROOT))
                && Objects.equals(location.getAuthority(), dir.getAuthority())
                && location.getPath().startsWith(dirPath)
                && location.getPath().length() > dirPath.length();
    }

    @Override
    public String toString() {
        return directories.toString();
    }
}
