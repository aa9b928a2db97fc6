package dev.streamrec.model.cli;

import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

import java.io.PrintWriter;
import java.util.List;

/**
 * Runs a tree of {@link CommandOptions} on a command line with picocli: {@code --help} at any level
 * prints that command's usage (exit 0); an unknown or misspelt option or a bad value prints the
 * error and the closest valid options (or where to find them) on stderr (exit 2); an
 * {@link IllegalArgumentException} from the command (or an {@link UnsupportedOperationException}: a
 * model without that stage) prints {@code error: message} (exit 2); a command that only groups
 * subcommands, named without one, prints its usage on stderr (exit 2).
 */
public final class CommandRunner {

    /** The exit code of a wrong command line. */
    public static final int USAGE = CommandLine.ExitCode.USAGE;

    private CommandRunner() {}

    /** Runs the command {@code argv} names under {@code root}; returns the exit code. */
    public static int run(CommandOptions root, List<String> argv) {
        return run(root, argv, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    }

    /** The same, with picocli's own output (usage, errors) to {@code out} and {@code err}. */
    public static int run(CommandOptions root, List<String> argv, PrintWriter out, PrintWriter err) {
        CommandLine line = root.commandLine();
        line.setOut(out);
        line.setErr(err);
        line.setParameterExceptionHandler(CommandRunner::refuse);
        line.setExecutionStrategy(CommandRunner::execute);
        line.setExecutionExceptionHandler((e, failed, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof UnsupportedOperationException) {
                failed.getErr().println("error: " + e.getMessage());
                failed.getErr().flush();
                return USAGE;
            }
            throw e;
        });
        return line.execute(argv.toArray(String[]::new));
    }

    /** The error, then the closest options, or else where the valid ones are listed. */
    private static int refuse(CommandLine.ParameterException e, String[] argv) {
        PrintWriter err = e.getCommandLine().getErr();
        err.println("error: " + e.getMessage());
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
            err.println("See '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for the options.");
        }
        err.flush();
        return USAGE;
    }

    private static int execute(ParseResult parsed) {
        Integer help = CommandLine.executeHelpRequest(parsed);
        if (help != null) {
            return help;
        }
        ParseResult leaf = parsed;
        while (leaf.subcommand() != null) {
            leaf = leaf.subcommand();
        }
        CommandLine line = leaf.commandSpec().commandLine();
        if (!(leaf.commandSpec().userObject() instanceof CommandOptions.Action action)) {
            line.usage(line.getErr());
            return USAGE;
        }
        try {
            return action.run(new CliArgs(leaf));
        } catch (CommandLine.ParameterException | CommandLine.ExecutionException e) {
            throw e;
        } catch (Exception e) {
            throw new CommandLine.ExecutionException(line, e.toString(), e);
        }
    }
}
