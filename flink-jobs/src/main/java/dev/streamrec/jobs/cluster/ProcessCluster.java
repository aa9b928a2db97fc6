package dev.streamrec.jobs.cluster;

import dev.streamrec.jobs.kafka.EmbeddedKafkaBroker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * A Flink + Kafka cluster on this machine as separate OS processes, and the control of each of
 * them: the KRaft broker, the JobManager, the TaskManagers and, with high availability, ZooKeeper
 * start, stop, {@code kill -9} and restart one by one, jobs are submitted over REST and moved with a savepoint. {@code cluster up},
 * {@code status} and {@code down}, the tests and the fault-injection runs all go through it.
 *
 * <p>TaskManagers are numbered from 1; a replacement takes the next free number
 * ({@link #startNewTaskManager()}), so every process keeps its own log.
 */
public final class ProcessCluster {

    private static final Duration STARTUP = Duration.ofMinutes(2);

    private final ClusterSettings settings;
    private final Path flinkLib;
    private final FlinkRestClient rest;

    public ProcessCluster(ClusterSettings settings, Path flinkLib) {
        this.settings = settings;
        this.flinkLib = flinkLib;
        this.rest = new FlinkRestClient(settings.restUrl());
    }

    public ClusterSettings settings() {
        return settings;
    }

    public FlinkRestClient rest() {
        return rest;
    }

    public ClusterProcess broker() {
        return new ClusterProcess("kafka", settings.runDir());
    }

    public ClusterProcess zooKeeper() {
        return new ClusterProcess("zookeeper", settings.runDir());
    }

    public ClusterProcess jobManager() {
        return new ClusterProcess("jobmanager", settings.runDir());
    }

    public ClusterProcess taskManager(int number) {
        return new ClusterProcess("taskmanager-" + number, settings.runDir());
    }

    /** Every process that has a pid file in the run directory, TaskManagers first, then the broker, ZooKeeper last. */
    public List<ClusterProcess> processes() throws IOException {
        List<ClusterProcess> all = new ArrayList<>();
        Path pids = settings.runDir().resolve("pids");
        if (Files.isDirectory(pids)) {
            try (Stream<Path> files = Files.list(pids)) {
                files.map(f -> f.getFileName().toString())
                        .filter(n -> n.startsWith("taskmanager-") && n.endsWith(".pid"))
                        .sorted()
                        .forEach(n -> all.add(new ClusterProcess(n.substring(0, n.length() - 4), settings.runDir())));
            }
        }
        all.add(jobManager());
        all.add(broker());
        if (settings.highAvailability()) {
            all.add(zooKeeper());
        }
        return all;
    }

    /**
     * Brings the whole cluster up: writes the settings and Flink's {@code config.yaml}, starts the
     * broker and creates {@code topics}, ZooKeeper with high availability, then the JobManager and
     * the TaskManagers, and waits until every TaskManager has registered.
     */
    public void start(Collection<String> topics, int partitions) throws Exception {
        if (processes().stream().anyMatch(ClusterProcess::isAlive)) {
            throw new IllegalStateException("a cluster is already running in " + settings.runDir()
                    + ": cluster down first");
        }
        EmbeddedKafkaBroker.deleteRecursively(settings.runDir().resolve("pids"));
        settings.save();
        FlinkConfigFile.write(settings);
        Files.createDirectories(settings.checkpointDir());
        startBroker();
        EmbeddedKafkaBroker.createTopics(settings.bootstrapServers(), partitions, topics);
        if (settings.highAvailability()) {
            startZooKeeper();
        }
        startJobManager();
        for (int i = 1; i <= settings.taskManagers(); i++) {
            taskManager(i).start(jvms().taskManager(taskManager(i).name()));
        }
        awaitTaskManagers(settings.taskManagers());
    }

    /** Starts the broker on its log directory and waits until it answers. */
    public void startBroker() throws Exception {
        broker().start(jvms().broker());
        await(broker(), "the broker at " + settings.bootstrapServers(), () -> {
            EmbeddedKafkaBroker.awaitReady(settings.bootstrapServers(), 2_000);
            return true;
        });
    }

    /** Starts ZooKeeper on its data directory and waits until it accepts connections. */
    public void startZooKeeper() throws Exception {
        zooKeeper().start(jvms().zooKeeper());
        await(zooKeeper(), "ZooKeeper at " + settings.zooKeeperQuorum(), () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", settings.zooKeeperPort()), 1_000);
                return true;
            }
        });
    }

    /**
     * Starts the JobManager and waits until its REST endpoint answers (with high availability: once it
     * has won the leader election).
     */
    public void startJobManager() throws Exception {
        jobManager().start(jvms().jobManager());
        await(jobManager(), "the JobManager's REST endpoint at " + settings.restUrl(), rest::isUp);
    }

    /** Starts a TaskManager with the next free number (it registers by itself); returns that number. */
    public int startNewTaskManager() throws IOException {
        int number = 1;
        while (Files.exists(taskManager(number).pidFile())) {
            number++;
        }
        taskManager(number).start(jvms().taskManager(taskManager(number).name()));
        return number;
    }

    /** Waits until {@code count} TaskManagers are registered with the JobManager. */
    public void awaitTaskManagers(int count) throws Exception {
        await(jobManager(), count + " registered TaskManagers", () -> rest.taskManagers() >= count);
    }

    /** The numbers of the TaskManagers whose processes are alive. */
    public List<Integer> liveTaskManagers() throws IOException {
        List<Integer> live = new ArrayList<>();
        for (ClusterProcess p : processes()) {
            if (p.name().startsWith("taskmanager-") && p.isAlive()) {
                live.add(Integer.parseInt(p.name().substring("taskmanager-".length())));
            }
        }
        return live;
    }

    /** Uploads the job jar and runs it with {@code args}, from {@code savepoint} when not null; returns the job id. */
    public String submit(Path jobJar, List<String> args, String savepoint) throws IOException, InterruptedException {
        return rest.runJar(rest.uploadJar(jobJar), args, savepoint);
    }

    /**
     * Stops a job with a savepoint and runs the uploaded jar {@code jarId} (what
     * {@link FlinkRestClient#uploadJar} returned; the JobManager keeps it) again from it; returns the
     * new job id.
     */
    public String savepointAndResubmit(String jobId, String jarId, List<String> args) throws IOException, InterruptedException {
        String savepoint = rest.stopWithSavepoint(jobId, settings.savepointDir().toUri().toString(), STARTUP);
        return rest.runJar(jarId, args, savepoint);
    }

    /**
     * Runs {@code body} and then stops every process, also when this JVM is terminated meanwhile
     * (SIGTERM, Ctrl-C): the processes run in their own sessions and would otherwise outlive it, so a
     * shutdown hook stops them until {@code body} is done.
     */
    public <T> T runThenStop(Callable<T> body) throws Exception {
        Thread onExit = new Thread(() -> {
            try {
                stop();
            } catch (IOException | InterruptedException e) {
                // the JVM is exiting: nothing left to tell
            }
        }, "process-cluster-stop");
        Runtime.getRuntime().addShutdownHook(onExit);
        try {
            return body.call();
        } finally {
            stop();
            try {
                Runtime.getRuntime().removeShutdownHook(onExit);
            } catch (IllegalStateException exiting) {
                // the hook is running already
            }
        }
    }

    /** Stops every process (SIGTERM, then SIGKILL after 20 s): TaskManagers, JobManager, broker, ZooKeeper. */
    public void stop() throws IOException, InterruptedException {
        for (ClusterProcess p : processes()) {
            p.stop(20);
        }
    }

    private ClusterJvms jvms() {
        return new ClusterJvms(settings, flinkLib);
    }

    /** What is waited for: a check that may be called repeatedly. */
    @FunctionalInterface
    interface Condition {
        boolean holds() throws Exception;
    }

    /** Waits until {@code condition} holds (a check that throws has not held yet); fails early if {@code process} exits. */
    private void await(ClusterProcess process, String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (!holds(condition)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(process.name() + " exited before " + what + " was up: see "
                        + process.outFile() + " and " + settings.logDir().resolve(process.name() + ".log"));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no " + what + " after " + STARTUP.toSeconds() + " s (logs in "
                        + settings.logDir() + ")");
            }
            Thread.sleep(250);
        }
    }

    private static boolean holds(Condition condition) throws InterruptedException {
        try {
            return condition.holds();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            return false;
        }
    }
}
