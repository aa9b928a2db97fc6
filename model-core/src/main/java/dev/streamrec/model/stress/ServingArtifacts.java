package dev.streamrec.model.stress;

import dev.streamrec.model.artifact.ArtifactException;
import dev.streamrec.model.artifact.ModelArtifact;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The two artifact versions (a and b) of each family a serving stress run serves, under
 * {@code WORK/artifacts/FAMILY-a|b/artifact}: trained by the training stress's child
 * ({@link StressChild}, which also checks the written weights) when missing, reused when a valid
 * artifact is there already (delete the work directory to train afresh).
 */
final class ServingArtifacts {

    static final List<String> VERSIONS = List.of("a", "b");

    private final Path workDir;

    ServingArtifacts(Path workDir) {
        this.workDir = workDir;
    }

    /** The run directory of one version's training. */
    Path runDir(StressFamily family, int version) {
        return workDir.resolve("artifacts").resolve(family.id() + "-" + VERSIONS.get(version));
    }

    Path dir(StressFamily family, int version) {
        return runDir(family, version).resolve("artifact");
    }

    ModelArtifact load(StressFamily family, int version) throws ArtifactException {
        return ModelArtifact.load(dir(family, version));
    }

    /**
     * Trains every version that has no valid artifact yet.
     *
     * @return a line per training that failed (crash, timeout, exit code, non-finite weights); empty when all serve
     */
    List<String> trainMissing(ServingStressOptions o, List<Path> features, ChildJvm jvm) throws Exception {
        List<String> failures = new ArrayList<>();
        for (StressFamily family : o.families()) {
            for (int v = 0; v < VERSIONS.size(); v++) {
                try {
                    load(family, v);
                    System.err.println("stress-serving: reusing " + dir(family, v));
                    continue;
                } catch (ArtifactException missing) {
                    // trained below
                }
                ChildJvm.Outcome out = jvm.run(StressChild.class,
                        family.command(o.training(), o.seed(v), features, dir(family, v)), runDir(family, v),
                        o.trainTimeoutSeconds());
                ChildLog log = out.log();
                String line = String.format(Locale.ROOT, "%s version %s (seed %d): exit %d%s%s, %s, %.1f s", family.id(),
                        VERSIONS.get(v), o.seed(v), out.exitCode(), out.crashed() ? " CRASH " + out.crashFrame() : "",
                        out.timedOut() ? " TIMEOUT" : "", log.finished() ? log.nonFiniteWeights() + " non-finite weights"
                                : "weights not checked", out.seconds());
                System.err.println("stress-serving: trained " + line);
                if (out.exitCode() != 0 || out.crashed() || out.timedOut() || !log.finished() || log.nonFiniteWeights() > 0) {
                    failures.add(line + " (" + out.logFile() + ")");
                }
            }
        }
        return failures;
    }
}
