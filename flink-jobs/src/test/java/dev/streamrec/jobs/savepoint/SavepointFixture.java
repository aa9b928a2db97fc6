package dev.streamrec.jobs.savepoint;

import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.kafka.EmbeddedKafkaBroker;
import dev.streamrec.jobs.testutil.TestJobs;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.cli.ModelCli;
import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.data.MovieLens;
import org.apache.flink.configuration.Configuration;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * What a release's savepoint fixture holds and how it is laid out, for the writer that makes it
 * ({@link SavepointFixtureWriter}) and the test that restores it ({@code PreviousReleaseSavepointITCase}):
 * the job's settings ({@code job.properties}: the online baselines, a tiny SASRec and a tiny BM3
 * side by side, one event per forward pass, a short sequence so that BM3's older edges live only
 * in its per-user state), the two artifacts ({@code artifacts/sasrec}, {@code artifacts/bm3}), the
 * events the job was given before it stopped ({@code events-before.csv}) and the savepoint
 * ({@code savepoint/}). The fixture keeps the settings and events it was written with, so a later
 * change here does not change what an older fixture means.
 */
public final class SavepointFixture {

    /** The models, in the job's order: the champion first. */
    public static final List<String> MODELS = List.of("popularity", "cooccurrence", "sasrec", "bm3");
    /** The topics' and the consumer group's prefix. */
    public static final String PREFIX = "savepoint";
    /** Two users the artifacts were trained on and two they never saw. */
    public static final int USERS = 4;
    public static final int EVENTS_PER_USER = 6;
    /** The items the users take, shared so that the baselines count several users per item. */
    public static final int POOL = 10;
    /** MovieLens interactions the artifacts are trained on: few, so that the fixture stays small. */
    public static final int TRAINING_SLICE = 1500;

    private SavepointFixture() {}

    /** One interaction event of the fixture's stream. */
    public record Event(String id, String user, String item, long timestamp) {

        public byte[] payload() {
            return TestJobs.event(id, user, item, timestamp);
        }
    }

    /**
     * The settings the fixture's job runs with (what {@code job.properties} keeps): at least once
     * (a transactional sink's savepoint holds transactions of the broker that wrote it), one
     * subtask, one event per forward pass (each answer sees every earlier event, as model-core
     * answering one at a time does), a 4-item sequence, and a state TTL long enough that the
     * fixture's per-user state does not expire however old it gets.
     */
    public static Map<String, String> jobSettings() {
        Configuration c = new Configuration();
        c.set(JobOptions.MODELS, MODELS);
        c.set(JobOptions.DELIVERY, JobOptions.DeliveryGuarantee.AT_LEAST_ONCE);
        c.set(JobOptions.PARALLELISM, 1);
        c.set(JobOptions.BATCH_SIZE, 1);
        c.set(JobOptions.SEQUENCE_MAX_LENGTH, 4);
        c.set(JobOptions.STATE_TTL, Duration.ofDays(3650));
        c.set(JobOptions.EVAL_EMIT_EVERY, 1);
        return new LinkedHashMap<>(c.toMap());
    }

    /**
     * The job of a fixture's settings on its own topics of {@code broker} (created now), with the
     * artifacts in {@code artifacts} and checkpoints under {@code tmp}.
     */
    public static Configuration jobConfig(EmbeddedKafkaBroker broker, Path tmp, Map<String, String> settings,
            Path artifacts) {
        Configuration conf = TestJobs.isolatedConfig(broker, tmp, PREFIX);
        conf.addAll(Configuration.fromMap(settings));
        conf.set(JobOptions.ARTIFACTS, List.of(artifacts.resolve("sasrec").toString(), artifacts.resolve("bm3").toString()));
        return conf;
    }

    /** Trains the tiny SASRec and BM3 (generated two-modality features) on a MovieLens slice into {@code artifacts}. */
    public static void trainArtifacts(Path work, Path artifacts) throws Exception {
        Path csv = work.resolve("slice.csv");
        String features = TestJobs.writeGaussianModalities(TestJobs.writeMovieLensSlice(csv, TRAINING_SLICE), work);
        TestJobs.trainTinySasRec(csv, artifacts.resolve("sasrec"), 11);
        int code = ModelCli.run("train", List.of("--model", "bm3", "--data", csv.toString(),
                "--features", features,
                "--epochs", "2", "--emb", "16", "--output", artifacts.resolve("bm3").toString()));
        if (code != 0) {
            throw new AssertionError("training BM3 failed with exit code " + code);
        }
    }

    /**
     * The fixture's users: the first two of the training slice, then two newcomers.
     */
    public static List<String> users() throws IOException {
        List<String> users = new ArrayList<>();
        for (Interaction i : trainingSlice()) {
            if (!users.contains(i.userId()) && users.size() < USERS - 2) {
                users.add(i.userId());
            }
        }
        users.add("newcomer-0");
        users.add("newcomer-1");
        return users;
    }

    /**
     * The items the users take: the first {@link #POOL} that both artifacts know and that none of
     * the fixture's users took in the training slice.
     */
    public static List<String> pool(ModelArtifact sasrec, ModelArtifact bm3) throws IOException {
        Set<String> rated = new HashSet<>();
        List<String> users = users();
        for (Interaction i : trainingSlice()) {
            if (users.contains(i.userId())) {
                rated.add(i.itemId());
            }
        }
        List<String> pool = new ArrayList<>();
        for (String id : bm3.items().ids()) {
            if (!rated.contains(id) && sasrec.items().indexOf(id) > 0 && pool.size() < POOL) {
                pool.add(id);
            }
        }
        return pool;
    }

    /**
     * Rounds {@code fromRound} to {@code toRound} (exclusive) of the stream: in each round every
     * user takes one item, user {@code u} in round {@code r} item {@code (r + 2u) mod POOL} of the
     * pool, a second after the previous event; event ids {@code idPrefix + n}.
     */
    public static List<Event> rounds(List<String> pool, int fromRound, int toRound, String idPrefix)
            throws IOException {
        List<String> users = users();
        List<Event> out = new ArrayList<>();
        for (int r = fromRound; r < toRound; r++) {
            for (int u = 0; u < users.size(); u++) {
                int n = r * users.size() + u;
                out.add(new Event(idPrefix + n, users.get(u), pool.get((r + 2 * u) % pool.size()),
                        1_000_000L + n * 1000L));
            }
        }
        return out;
    }

    /** Writes the job's settings as {@code job.properties}. */
    public static void writeSettings(Path file, Map<String, String> settings) throws IOException {
        Properties p = new Properties();
        p.putAll(settings);
        try (Writer w = Files.newBufferedWriter(file)) {
            p.store(w, "the settings the fixture's job ran with (SavepointFixture.jobSettings)");
        }
    }

    /** Reads {@code job.properties}. */
    public static Map<String, String> readSettings(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        Map<String, String> out = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
        return out;
    }

    /** Writes events as {@code eventId,userId,itemId,timestamp} lines under a header. */
    public static void writeEvents(Path file, List<Event> events) throws IOException {
        StringBuilder sb = new StringBuilder("eventId,userId,itemId,timestamp\n");
        for (Event e : events) {
            sb.append(e.id()).append(',').append(e.user()).append(',').append(e.item()).append(',')
                    .append(e.timestamp()).append('\n');
        }
        Files.writeString(file, sb);
    }

    /** Reads what {@link #writeEvents} wrote. */
    public static List<Event> readEvents(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<Event> out = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            out.add(new Event(f[0], f[1], f[2], Long.parseLong(f[3])));
        }
        return out;
    }

    private static List<Interaction> trainingSlice() throws IOException {
        return MovieLens.bundled().interactions().subList(0, TRAINING_SLICE);
    }
}
