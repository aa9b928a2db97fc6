package dev.streamrec.jobs.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.streamrec.jobs.config.KafkaClientProperties;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The live evaluation dashboard: a small JDK HTTP server (127.0.0.1 by default) that serves the
 * page, Chart.js and {@code /api/snapshot} (JSON of a {@link DashboardTimeline}), which the page
 * polls once a second. Reads the job's output topics itself through a {@link DashboardConsumer}, so
 * it works against any broker the job writes to.
 */
public final class DashboardServer implements AutoCloseable {

    /** The default bind address: local only, the dashboard has no authentication. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    private final HttpServer http;
    private final ExecutorService executor;
    private final DashboardConsumer consumer;
    private final DashboardTimeline timeline;
    private final DashboardAssets assets = new DashboardAssets();
    private final ObjectMapper json = new ObjectMapper();

    private DashboardServer(HttpServer http, DashboardConsumer consumer, DashboardTimeline timeline) {
        this.http = http;
        this.consumer = consumer;
        this.timeline = timeline;
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "dashboard-http");
            t.setDaemon(true);
            return t;
        });
        http.createContext("/api/snapshot", this::snapshot);
        http.createContext("/", this::asset);
        http.setExecutor(executor);
    }

    /** Starts reading {@code topics} from the broker of {@code kafka} and serving on {@code host:port} (0 = any free port). */
    public static DashboardServer start(KafkaClientProperties kafka, DashboardTopics topics, String host, int port)
            throws IOException {
        DashboardTimeline timeline = new DashboardTimeline();
        HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 0);
        DashboardServer server = new DashboardServer(http, new DashboardConsumer(kafka, topics, timeline), timeline);
        server.consumer.start();
        http.start();
        return server;
    }

    /** The page's address, e.g. {@code http://127.0.0.1:8088/}. */
    public String url() {
        InetSocketAddress a = http.getAddress();
        return "http://" + a.getHostString() + ":" + a.getPort() + "/";
    }

    public int port() {
        return http.getAddress().getPort();
    }

    private void snapshot(HttpExchange ex) throws IOException {
        byte[] body = json.writeValueAsBytes(timeline.snapshot(System.currentTimeMillis()));
        send(ex, 200, "application/json", body);
    }

    private void asset(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String type = assets.contentType(path);
        if (type == null || !"GET".equals(ex.getRequestMethod())) {
            send(ex, 404, "text/plain", "not found".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } else {
            send(ex, 200, type, assets.read(path));
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() throws InterruptedException {
        http.stop(0);
        executor.shutdownNow();
        consumer.close();
    }
}
