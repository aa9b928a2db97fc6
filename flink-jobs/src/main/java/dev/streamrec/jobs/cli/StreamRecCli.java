package dev.streamrec.jobs.cli;

import dev.streamrec.jobs.bench.BenchCommand;
import dev.streamrec.jobs.cluster.ChaosCommand;
import dev.streamrec.jobs.cluster.ClusterCommand;
import dev.streamrec.jobs.local.LocalMode;
import dev.streamrec.jobs.soak.SoakCommand;
import dev.streamrec.model.cli.CommandOptions;
import dev.streamrec.model.cli.CommandRunner;
import dev.streamrec.model.cli.ModelCli;
import picocli.AutoComplete;
import picocli.CommandLine;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The entry point of {@code streamrec.jar}: {@code local} runs the whole system on this machine;
 * {@code bench} the benchmarks; {@code cluster} Kafka and a Flink cluster as processes on this machine; {@code chaos} a fault-injection run through one; {@code soak} a long run through one; {@code featurize}, {@code train}, {@code pretrain}, {@code evaluate},
 * {@code finetune} and {@code stress} are the offline model commands of model-core ({@link ModelCli});
 * {@code completion} prints a bash/zsh completion script; {@code help [command]} the usage. Parsing,
 * {@code --help}, errors and exit codes are picocli's, through {@link CommandRunner}.
 *
 * <p>To add a top-level command, write a {@code static CommandOptions options(...)} beside it
 * (its options declared with their defaults, an example, and the action, as {@link LocalMode#options}
 * does) and add one {@code root.subcommand(...)} line in {@link #commands}; help, errors and
 * completion follow.
 */
public final class StreamRecCli {

    private StreamRecCli() {}

    public static void main(String[] argv) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        List<String> args = Arrays.asList(argv);
        System.exit(CommandRunner.run(commands(args, System.out), args));
    }

    /** Every command, the one {@code argv} names (command first) built for its arguments. */
    public static CommandOptions commands(List<String> argv, PrintStream out) {
        CommandOptions root = CommandOptions.command("streamrec.jar", "Streaming next-item recommender on Kafka and "
                        + "Flink: run it locally, benchmark it, train and evaluate its models.", null)
                .examples("java -jar streamrec.jar local", "java -jar streamrec.jar train --model sasrec --epochs 3 "
                        + "--output /tmp/sasrec", "java -jar streamrec.jar train --model bm3 --help");
        root.subcommand(LocalMode.options(out));
        root.subcommand(BenchCommand.options(out));
        root.subcommand(ClusterCommand.options(out));
        root.subcommand(ChaosCommand.options(out));
        root.subcommand(SoakCommand.options(out));
        ModelCli.commands(argv).forEach(root::subcommand);
        root.subcommand(CommandOptions.command("completion", "Prints a bash/zsh completion script for the alias "
                        + "streamrec (alias streamrec='java -jar /path/to/streamrec.jar').", a -> {
                            out.print(AutoComplete.bash("streamrec", root.spec().commandLine()));
                            return 0;
                        })
                .examples("source <(java -jar streamrec.jar completion)"));
        CommandLine help = new CommandLine(new CommandLine.HelpCommand());
        help.getCommandSpec().usageMessage().footer("%nExample:%n  streamrec.jar help train%n");
        root.spec().addSubcommand("help", help);
        return root;
    }
}
