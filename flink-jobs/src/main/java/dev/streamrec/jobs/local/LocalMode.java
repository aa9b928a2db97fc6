package dev.streamrec.jobs.local;

import dev.streamrec.jobs.RecommenderJob;
import dev.streamrec.jobs.config.JobConfig;
import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.dashboard.DashboardServer;
import dev.streamrec.jobs.dashboard.DashboardTopics;
import dev.streamrec.jobs.kafka.EmbeddedKafkaBroker;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.ProgressBar;
import dev.streamrec.model.data.Interaction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code streamrec.jar local}: the whole system on one machine. Starts a real KRaft broker in this
 * JVM, creates the topics, runs the recommender job on a Flink MiniCluster (RocksDB, checkpoints),
 * then either replays a dataset (MovieLens by default) in time order with a progress bar and ends
 * with a summary table, or ({@code --no-replay}) serves outside clients until Ctrl-C / SIGTERM.
 */
public final class LocalMode {

    /** Local-mode defaults that differ from a cluster's: short checkpoints for fast visibility. */
    static final Map<String, String> LOCAL_DEFAULTS = Map.of(
            JobOptions.CHECKPOINT_INTERVAL.key(), "500 ms",
            JobOptions.EVAL_EMIT_EVERY.key(), "5000");

    private final PrintStream out;

    public LocalMode(PrintStream out) {
        this.out = out;
    }

    public static final String USAGE = String.join("\n",
            "usage: streamrec.jar local [options]",
            "  --kafka-port P        fixed broker port (default: a free port)",
            "  --no-replay           serve until Ctrl-C/SIGTERM instead of replaying a dataset",
            "  --max-events N        replay only the first N events",
            "  --speed X|max         replay rate in events/s (default max)",
            "  --data PATH           MovieLens directory or interactions CSV (default: bundled MovieLens)",
            "  --config FILE         job config (flat YAML, see config/local.yaml)",
            "  --models a,b          models side by side (default popularity,cooccurrence)",
            "  --artifact DIR[,DIR]  artifacts of trained models named in --models",
            "  --delivery exactly-once|at-least-once",
            "  --dashboard-port P    serve the live dashboard on http://127.0.0.1:P/ (0 = a free port)",
            "  --dashboard-keep      with a replay: keep serving the dashboard after the summary until Ctrl-C",
            "  -Dkey=value           any job option (see config/local.yaml)");

    public int run(List<String> argv) throws Exception {
        CliArgs args = CliArgs.parse(argv);
        if (args.has("help")) {
            out.println(USAGE);
            return 0;
        }
        Configuration conf = configuration(args);
        Path work = Files.createTempDirectory("streamrec-local-");
        conf.set(JobOptions.CHECKPOINT_DIR, conf.getOptional(JobOptions.CHECKPOINT_DIR)
                .orElse(work.resolve("checkpoints").toUri().toString()));

        out.println("Starting Kafka (KRaft, in-process)...");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(args.getInt("kafka-port", 0), null)) {
            conf.set(JobOptions.BOOTSTRAP_SERVERS, broker.bootstrapServers());
            broker.createTopics(conf.get(JobOptions.TOPIC_PARTITIONS), List.of(
                    conf.get(JobOptions.TOPIC_INTERACTIONS), conf.get(JobOptions.TOPIC_ITEM_FEATURES),
                    conf.get(JobOptions.TOPIC_PREDICTIONS), conf.get(JobOptions.TOPIC_DEAD_LETTERS),
                    conf.get(JobOptions.TOPIC_EVAL_METRICS), conf.get(JobOptions.TOPIC_MODEL_UPDATES)));
            out.println("Kafka ready at " + broker.bootstrapServers());
            out.println("Starting the recommender job on a Flink MiniCluster (RocksDB, checkpoints every "
                    + conf.get(JobOptions.CHECKPOINT_INTERVAL).toMillis() + " ms, "
                    + conf.get(JobOptions.DELIVERY) + ") with models " + conf.get(JobOptions.MODELS) + "...");
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(RecommenderJob.runtimeConfiguration(conf));
            RecommenderJob.build(env, conf);
            JobClient job = env.executeAsync("streamrec-local");
            DashboardServer dashboard = args.has("dashboard-port") ? DashboardServer.start(broker.bootstrapServers(),
                    DashboardTopics.of(conf), DashboardServer.DEFAULT_HOST, args.getInt("dashboard-port", 0)) : null;
            if (dashboard != null) {
                out.println("Dashboard: " + dashboard.url());
            }
            try {
                int code = args.has("no-replay") ? serve(broker, conf, job) : replay(args, conf);
                if (dashboard != null && args.has("dashboard-keep") && !args.has("no-replay")) {
                    out.println("Dashboard still at " + dashboard.url() + " (Ctrl-C to stop)");
                    awaitShutdown();
                }
                return code;
            } finally {
                if (dashboard != null) {
                    dashboard.close();
                }
                try {
                    job.cancel().get();
                } catch (Exception e) {
                    // already finished or failed: nothing to cancel
                }
            }
        } finally {
            EmbeddedKafkaBroker.deleteRecursively(work);
        }
    }

    static Configuration configuration(CliArgs args) throws Exception {
        Map<String, String> overrides = new HashMap<>(LOCAL_DEFAULTS);
        Configuration fromFile = JobConfig.load(args.getPath("config", null), Map.of());
        overrides.putAll(fromFile.toMap());
        if (args.has("models")) {
            overrides.put(JobOptions.MODELS.key(), args.get("models", ""));
        }
        if (args.has("artifact")) {
            overrides.put(JobOptions.ARTIFACTS.key(), args.get("artifact", ""));
        }
        if (args.has("delivery")) {
            overrides.put(JobOptions.DELIVERY.key(),
                    args.get("delivery", "").toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }
        for (String p : args.positional()) {
            if (p.startsWith("-D") && p.contains("=")) {
                overrides.put(p.substring(2, p.indexOf('=')), p.substring(p.indexOf('=') + 1));
            } else {
                throw new IllegalArgumentException("unexpected argument '" + p + "'\n" + USAGE);
            }
        }
        return JobConfig.load(null, overrides);
    }

    private int serve(EmbeddedKafkaBroker broker, Configuration conf, JobClient job) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(stop::countDown, "streamrec-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println();
        out.println("Serving. Bootstrap servers: " + broker.bootstrapServers());
        out.println("  produce interaction JSON to '" + conf.get(JobOptions.TOPIC_INTERACTIONS) + "' (key = userId)");
        out.println("  read '" + conf.get(JobOptions.TOPIC_PREDICTIONS) + "', '" + conf.get(JobOptions.TOPIC_DEAD_LETTERS)
                + "', '" + conf.get(JobOptions.TOPIC_EVAL_METRICS) + "' with isolation.level=read_committed");
        out.println("  e.g. echo '{\"userId\":\"u1\",\"itemId\":\"i1\",\"timestamp\":" + System.currentTimeMillis()
                + ",\"type\":\"view\"}' | kcat -P -b " + broker.bootstrapServers() + " -t "
                + conf.get(JobOptions.TOPIC_INTERACTIONS) + " -k u1");
        out.println("Press Ctrl-C (or send SIGTERM) to stop.");
        while (!stop.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
            if (job.getJobStatus().join().isGloballyTerminalState()) {
                out.println("The job stopped: " + job.getJobStatus().join());
                return 1;
            }
        }
        out.println("Shutting down...");
        return 0;
    }

    private int replay(CliArgs args, Configuration conf) throws Exception {
        Path data = args.getPath("data", null);
        List<Interaction> interactions = ReplayEvents.load(data);
        List<byte[]> events = ReplayEvents.encode(interactions, args.getInt("max-events", 0));
        String speed = args.get("speed", "max");
        double rate = speed.equals("max") ? 0 : Double.parseDouble(speed);
        int models = conf.get(JobOptions.MODELS).size();
        String bootstrap = conf.get(JobOptions.BOOTSTRAP_SERVERS);
        String topic = conf.get(JobOptions.TOPIC_INTERACTIONS);
        out.println("Replaying " + events.size() + " events from " + (data == null ? "MovieLens latest-small (bundled)" : data)
                + " in time order at " + (rate == 0 ? "full speed" : rate + " events/s"));

        try (OutputMonitor monitor = new OutputMonitor(bootstrap, conf.get(JobOptions.TOPIC_PREDICTIONS),
                        conf.get(JobOptions.TOPIC_DEAD_LETTERS), conf.get(JobOptions.TOPIC_EVAL_METRICS)).start();
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ProducerConfig.LINGER_MS_CONFIG, 5,
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            ProgressBar bar = new ProgressBar(out, "replay", events.size());
            long start = System.currentTimeMillis();
            for (int i = 0; i < events.size(); i++) {
                byte[] key = interactionsKey(interactions, i);
                producer.send(new ProducerRecord<>(topic, key, events.get(i)));
                if (rate > 0) {
                    long due = start + (long) (1000.0 * (i + 1) / rate);
                    long wait = due - System.currentTimeMillis();
                    if (wait > 0) {
                        Thread.sleep(wait);
                    }
                }
                if ((i & 1023) == 0) {
                    bar.update(i, "predictions " + monitor.predictions());
                }
            }
            producer.flush();
            bar.finish("predictions " + monitor.predictions());
            long expected = events.size();
            ProgressBar answered = new ProgressBar(out, "predict", expected * models);
            long idleLimit = 30_000;
            long lastChange = System.currentTimeMillis();
            long seen = -1;
            while (true) {
                long accepted = expected - monitor.deadLetters();
                long p = monitor.predictions();
                answered.update(p, "dead letters " + monitor.deadLetters());
                if (p >= accepted * models) {
                    break;
                }
                if (p != seen) {
                    seen = p;
                    lastChange = System.currentTimeMillis();
                } else if (System.currentTimeMillis() - lastChange > idleLimit) {
                    out.println("\nno new predictions for 30 s; stopping (duplicates in the input are predicted once)");
                    break;
                }
                Thread.sleep(100);
            }
            double seconds = (monitor.lastPredictionAt() - start) / 1000.0;
            answered.finish("dead letters " + monitor.deadLetters());
            awaitFinalEvaluation(monitor);
            boolean exactlyOnce = conf.get(JobOptions.DELIVERY) == JobOptions.DeliveryGuarantee.EXACTLY_ONCE;
            SummaryTable.print(out, "streamrec local replay", events.size(), monitor.predictions(),
                    monitor.deadLetters(), seconds, monitor.latencyQuantile(0.5), monitor.latencyQuantile(0.99),
                    exactlyOnce ? "exactly-once: visible when a checkpoint commits, every "
                            + conf.get(JobOptions.CHECKPOINT_INTERVAL).toMillis() + " ms"
                            : "at-least-once", monitor.latestEval());
        }
        return 0;
    }

    private static void awaitShutdown() throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "streamrec-dashboard-shutdown"));
        stop.await();
    }

    private static byte[] interactionsKey(List<Interaction> interactions, int i) {
        return interactions.get(i).userId().getBytes(StandardCharsets.UTF_8);
    }

    /** Waits until the running evaluation stops changing (its timer flushes within a second or two). */
    private static void awaitFinalEvaluation(OutputMonitor monitor) throws InterruptedException {
        long total = -1;
        for (int stable = 0; stable < 3; ) {
            Thread.sleep(1000);
            long now = monitor.latestEval().values().stream().mapToLong(m -> m.count).sum();
            stable = now == total ? stable + 1 : 0;
            total = now;
        }
    }
}
