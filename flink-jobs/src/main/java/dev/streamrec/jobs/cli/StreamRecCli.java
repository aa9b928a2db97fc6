package dev.streamrec.jobs.cli;

import dev.streamrec.jobs.bench.BenchCommand;
import dev.streamrec.jobs.cluster.ClusterCommand;
import dev.streamrec.jobs.local.LocalMode;
import dev.streamrec.model.cli.ModelCli;

import java.util.Arrays;
import java.util.List;

/**
 * The entry point of {@code streamrec.jar}: {@code local} runs the whole system on this machine;
 * {@code featurize}, {@code train}, {@code pretrain} and {@code evaluate} are the offline model
 * commands of model-core.
 */
public final class StreamRecCli {

    private StreamRecCli() {}

    public static void main(String[] argv) throws Exception {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("help")) {
            System.out.println("usage: java -jar streamrec.jar <command> [options]");
            System.out.println("  local       Kafka + Flink + models on this machine; replays MovieLens (see local --help)");
            System.out.println("  featurize   item text -> MiniLM feature files");
            System.out.println("  train       train a model (--model sasrec|gru4rec|kdsr-sasrec|kdsr-gru4rec|missrec|bm3|...)");
            System.out.println("  pretrain    contrastive pre-training (MISSRec)");
            System.out.println("  evaluate    evaluate an artifact (--artifact DIR [--json])");
            System.out.println("  stress      repeated short trainings in child JVMs: crashes, skipped steps (stress --help)");
            System.out.println("  cluster     Kafka + a Flink cluster as processes on this machine: cluster up|status|down");
            System.out.println("  bench       benchmarks: bench model|e2e|parts|zipf-data [options] (prints a table)");
            System.exit(argv.length == 0 ? 2 : 0);
        }
        List<String> rest = Arrays.asList(argv).subList(1, argv.length);
        int code;
        try {
            switch (argv[0]) {
                case "local":
                    code = new LocalMode(System.out).run(rest);
                    break;
                case "cluster":
                    code = ClusterCommand.run(rest, System.out);
                    break;
                case "bench":
                    code = BenchCommand.run(rest, System.out);
                    break;
                default:
                    code = ModelCli.run(argv[0], rest);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            code = 2;
        }
        System.exit(code);
    }
}
