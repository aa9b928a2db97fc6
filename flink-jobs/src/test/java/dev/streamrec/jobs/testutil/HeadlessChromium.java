package dev.streamrec.jobs.testutil;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code chromium} run headless as a real browser for page tests: dumps the DOM after the
 * page's scripts ran (for a virtual-time budget) or takes a screenshot. {@link #find()} returns null
 * when no chromium is installed, so tests can skip themselves.
 */
public final class HeadlessChromium {

    private final String binary;

    private HeadlessChromium(String binary) {
        this.binary = binary;
    }

    /** The installed chromium, or null when there is none. */
    public static HeadlessChromium find() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return new HeadlessChromium(p.toString());
                }
            }
        }
        return null;
    }

    /** The DOM of {@code url} once its scripts had {@code budgetMs} of (virtual) time. */
    public String dumpDom(String url, int budgetMs) throws IOException, InterruptedException {
        return new String(run(List.of("--virtual-time-budget=" + budgetMs, "--dump-dom", url)), StandardCharsets.UTF_8);
    }

    /** A PNG screenshot of {@code url} at {@code width}×{@code height} into {@code png}. */
    public void screenshot(String url, Path png, int width, int height, int budgetMs)
            throws IOException, InterruptedException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        run(List.of("--virtual-time-budget=" + budgetMs, "--hide-scrollbars", "--window-size=" + width + "," + height,
                "--screenshot=" + png.toAbsolutePath(), url));
        if (!Files.exists(png)) {
            throw new IOException("chromium wrote no screenshot to " + png);
        }
    }

    private byte[] run(List<String> args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium-profile-");
        List<String> cmd = new ArrayList<>(List.of(binary, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--user-data-dir=" + profile));
        cmd.addAll(args);
        Path stdout = Files.createTempFile("chromium-", ".out");
        Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("chromium did not finish in 90 s: " + cmd);
            }
            return Files.readAllBytes(stdout);
        } finally {
            Files.deleteIfExists(stdout);
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
