package dev.streamrec.jobs.savepoint;

import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.kafka.EmbeddedKafkaBroker;
import dev.streamrec.jobs.testutil.KafkaTestClient;
import dev.streamrec.jobs.testutil.TestJobs;
import dev.streamrec.model.artifact.ModelArtifact;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes a release's savepoint fixture ({@link SavepointFixture}) into the directory given as the
 * only argument: trains the tiny SASRec and BM3, runs the real job (in-JVM KRaft broker,
 * MiniCluster with RocksDB, the graph {@code streamrec} runs) on the fixture's first rounds until
 * every event has every model's prediction, and stops it with a savepoint in canonical format.
 * The job serves the artifacts from a temporary directory that is deleted afterwards, so the
 * model versions the savepoint wants name a place that exists nowhere: a restore serves the
 * artifacts it is started with (same versions) instead. Run it with the release whose savepoint
 * it should be (flink-jobs/src/test/resources/savepoints/a020b7d/README.md says how).
 */
public final class SavepointFixtureWriter {

    /** Rounds of the stream before the savepoint: every user takes this many items. */
    private static final int ROUNDS = SavepointFixture.EVENTS_PER_USER;

    private SavepointFixtureWriter() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: SavepointFixtureWriter <fixture directory>");
            System.exit(2);
        }
        Path out = Path.of(args[0]).toAbsolutePath();
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("streamrec-savepoint-fixture-");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            write(broker, work, out);
        } finally {
            EmbeddedKafkaBroker.deleteRecursively(work);
        }
        // lingering non-daemon threads of Flink's or the broker's must not keep the JVM alive
        System.exit(0);
    }

    private static void write(EmbeddedKafkaBroker broker, Path work, Path out) throws Exception {
        Path artifacts = work.resolve("artifacts");
        SavepointFixture.trainArtifacts(work, artifacts);
        List<String> pool = SavepointFixture.pool(ModelArtifact.load(artifacts.resolve("sasrec")),
                ModelArtifact.load(artifacts.resolve("bm3")));
        List<SavepointFixture.Event> events = SavepointFixture.rounds(pool, 0, ROUNDS, "b");
        Map<String, String> settings = SavepointFixture.jobSettings();
        Configuration conf = SavepointFixture.jobConfig(broker, work, settings, artifacts);

        KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers());
        JobClient job = TestJobs.start(conf);
        String savepoint;
        try {
            kafka.produce(conf.get(JobOptions.TOPIC_INTERACTIONS), events.stream().map(SavepointFixture.Event::user).toList(),
                    events.stream().map(SavepointFixture.Event::payload).toList());
            int expected = events.size() * SavepointFixture.MODELS.size();
            int got = kafka.readUntil(conf.get(JobOptions.TOPIC_PREDICTIONS), r -> r.size() >= expected,
                    Duration.ofSeconds(120)).size();
            if (got != expected) {
                throw new IllegalStateException(got + " predictions, expected " + expected);
            }
            savepoint = job.stopWithSavepoint(false, work.resolve("savepoints").toUri().toString(),
                    SavepointFormatType.CANONICAL).get();
        } catch (Exception e) {
            job.cancel().get();
            throw e;
        }

        copy(Path.of(URI.create(savepoint.startsWith("file:") ? savepoint : "file://" + savepoint)),
                out.resolve("savepoint"));
        copy(artifacts, out.resolve("artifacts"));
        SavepointFixture.writeSettings(out.resolve("job.properties"), settings);
        SavepointFixture.writeEvents(out.resolve("events-before.csv"), events);
        System.out.println("fixture written to " + out + " from savepoint " + savepoint);
    }

    /** Copies a directory tree, replacing what is there. */
    private static void copy(Path from, Path to) throws Exception {
        EmbeddedKafkaBroker.deleteRecursively(to);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
