package dev.streamrec.jobs.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * The page's static files, all read from the classpath: our own page under {@code dashboard/} and
 * Chart.js from its WebJar (bundled into the jar at build time; nothing is fetched from a CDN).
 */
final class DashboardAssets {

    private static final String WEBJAR_POM = "META-INF/maven/org.webjars.npm/chart.js/pom.properties";

    /** URL path → content type and classpath resource. */
    private final Map<String, String[]> files;

    DashboardAssets() {
        String chartJs = "META-INF/resources/webjars/chart.js/" + chartJsVersion() + "/dist/chart.umd.js";
        files = Map.of(
                "/", new String[] {"text/html; charset=utf-8", "dashboard/index.html"},
                "/dashboard.js", new String[] {"text/javascript; charset=utf-8", "dashboard/dashboard.js"},
                "/dashboard.css", new String[] {"text/css; charset=utf-8", "dashboard/dashboard.css"},
                "/vendor/chart.umd.js", new String[] {"text/javascript; charset=utf-8", chartJs});
    }

    /** The content type of {@code path}, or null when there is no such file. */
    String contentType(String path) {
        String[] f = files.get(path);
        return f == null ? null : f[0];
    }

    byte[] read(String path) {
        try (InputStream in = DashboardAssets.class.getClassLoader().getResourceAsStream(files.get(path)[1])) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + files.get(path)[1]);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String chartJsVersion() {
        try (InputStream in = DashboardAssets.class.getClassLoader().getResourceAsStream(WEBJAR_POM)) {
            if (in == null) {
                throw new IllegalStateException("the Chart.js WebJar is not on the classpath");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
