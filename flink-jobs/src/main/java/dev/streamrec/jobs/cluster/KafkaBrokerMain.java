package dev.streamrec.jobs.cluster;

import dev.streamrec.jobs.kafka.EmbeddedKafkaBroker;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.CommandOptions;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * The cluster's Kafka broker as a process of its own: a single-node KRaft broker
 * ({@link EmbeddedKafkaBroker}'s configuration) on fixed ports with its log on disk, so it can be
 * killed and restarted on the same data. Runs until it is terminated; SIGTERM shuts it down cleanly.
 * {@code KafkaBrokerMain --dir DIR --port 9092 --controller-port 9093}.
 */
public final class KafkaBrokerMain {

    private KafkaBrokerMain() {}

    public static void main(String[] argv) throws InterruptedException {
        CliArgs args = CommandOptions.command("KafkaBrokerMain", "The cluster's Kafka broker process.", null)
                .required("dir", "DIR", "The broker's log directory.")
                .required("port", "PORT", "The client port.")
                .required("controller-port", "PORT", "The KRaft controller port.")
                .parse(Arrays.asList(argv));
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Integer.parseInt(args.require("port")),
                Integer.parseInt(args.require("controller-port")), Path.of(args.require("dir")));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "broker-shutdown"));
        System.out.println("Kafka broker ready at " + broker.bootstrapServers());
        stopped.await();
    }
}
