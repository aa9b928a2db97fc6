package dev.streamrec.jobs.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The calls of Flink's REST API that run a job on the cluster, the same path as {@code flink run}
 * and the web UI: upload a jar ({@code POST /jars/upload}), run it with program arguments and
 * optionally a savepoint ({@code POST /jars/:id/run}), list jars, jobs and TaskManagers, stop a job
 * with a savepoint ({@code POST /jobs/:id/stop}, then poll the savepoint's trigger), and read any
 * other resource as JSON (checkpoints, metrics: {@link #json}).
 */
public final class FlinkRestClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public FlinkRestClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** A job as {@code /jobs/overview} lists it. */
    public record JobStatus(String id, String name, String state) {}

    /** The registered TaskManagers, empty when the REST endpoint does not answer (yet). */
    public int taskManagers() {
        return get("/overview").map(o -> o.path("taskmanagers").asInt()).orElse(0);
    }

    /** Whether the REST endpoint answers. */
    public boolean isUp() {
        return get("/overview").isPresent();
    }

    public List<JobStatus> jobs() {
        List<JobStatus> jobs = new ArrayList<>();
        get("/jobs/overview").ifPresent(o -> o.path("jobs").forEach(j ->
                jobs.add(new JobStatus(j.path("jid").asText(), j.path("name").asText(), j.path("state").asText()))));
        return jobs;
    }

    /** Whether the JobManager holds the uploaded jar {@code jarId} (a new JobManager may not). */
    public boolean hasJar(String jarId) {
        return get("/jars").map(o -> o.path("files").findValuesAsText("id").contains(jarId)).orElse(false);
    }

    /** Uploads a job jar; returns its id on the JobManager. */
    public String uploadJar(Path jar) throws IOException, InterruptedException {
        String boundary = "streamrec-" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .timeout(Duration.ofMinutes(5))
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
                        HttpRequest.BodyPublishers.ofFile(jar), HttpRequest.BodyPublishers.ofByteArray(tail)))
                .build();
        String file = send(request).path("filename").asText();
        return file.substring(file.lastIndexOf('/') + 1);
    }

    /** Runs an uploaded jar's main class with {@code args}, from {@code savepoint} when not null; returns the job id. */
    public String runJar(String jarId, List<String> args, String savepoint) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("programArgsList").addAll(args.stream().map(JSON.getNodeFactory()::textNode).toList());
        if (savepoint != null) {
            body.put("savepointPath", savepoint);
        }
        return send(post("/jars/" + jarId + "/run", body, Duration.ofMinutes(5))).path("jobid").asText();
    }

    /** Stops a job with a savepoint into {@code targetDirectory}; returns the savepoint's path. */
    public String stopWithSavepoint(String jobId, String targetDirectory, Duration timeout)
            throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("drain", false).put("targetDirectory", targetDirectory);
        String trigger = send(post("/jobs/" + jobId + "/stop", body, Duration.ofSeconds(30))).path("request-id").asText();
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (System.currentTimeMillis() < deadline) {
            JsonNode status = send(HttpRequest.newBuilder(URI.create(baseUrl + "/jobs/" + jobId + "/savepoints/" + trigger))
                    .timeout(Duration.ofSeconds(30)).GET().build());
            if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                JsonNode op = status.path("operation");
                if (op.has("failure-cause")) {
                    throw new IOException("savepoint of " + jobId + " failed: "
                            + op.path("failure-cause").path("stack-trace").asText().lines().findFirst().orElse(""));
                }
                return op.path("location").asText();
            }
            Thread.sleep(500);
        }
        throw new IOException("savepoint of " + jobId + " not complete after " + timeout);
    }

    /** The JSON answer of a GET of {@code path} (e.g. {@code /jobs/ID/checkpoints}), empty when it fails. */
    public Optional<JsonNode> json(String path) {
        return get(path);
    }

    private HttpRequest post(String path, JsonNode body, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json")
                .timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
    }

    private Optional<JsonNode> get(String path) {
        try {
            return Optional.of(send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .timeout(Duration.ofSeconds(10)).GET().build()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        if (response.statusCode() >= 300) {
            throw new IOException(request.method() + " " + request.uri().getPath() + " answered "
                    + response.statusCode() + ": " + body.path("errors"));
        }
        return body;
    }
}
