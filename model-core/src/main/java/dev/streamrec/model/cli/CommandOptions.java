package dev.streamrec.model.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One command of {@code streamrec.jar} and its options, declared once each with type, default and
 * description, built into a picocli {@link CommandSpec}: picocli parses, prints {@code --help}
 * (options, defaults, examples), refuses unknown options naming the closest one, and generates the
 * shell completion. The class that reads an option declares it ({@code TrainingOptions.declare},
 * {@code LossSettings.declare}, a family's {@code declareTrain}...), so its default lives in that one
 * declaration and {@link CliArgs} reads values without defaults.
 *
 * <p>Programmatic rather than annotated: the engine options' defaults differ per model family and
 * stage (KDSR trains 200 epochs, MISSRec 30, a fine-tuning round 2), and {@code train --model M}'s
 * options are those family M reads; annotations take constant defaults and a fixed option set, so
 * they would need a default provider and a mixin per family on top of the same values.
 */
public final class CommandOptions {

    /** What a command does with its parsed options; returns the exit code. */
    @FunctionalInterface
    public interface Action {
        int run(CliArgs args) throws Exception;
    }

    private final CommandSpec spec;

    private CommandOptions(CommandSpec spec) {
        this.spec = spec;
    }

    /** A command that runs {@code action}; {@code action} is null for a command that only groups subcommands. */
    public static CommandOptions command(String name, String description, Action action) {
        CommandSpec spec = action == null ? CommandSpec.create() : CommandSpec.wrapWithoutInspection(action);
        spec.name(name);
        spec.usageMessage().description(description).showDefaultValues(true).sortOptions(false)
                .abbreviateSynopsis(true).width(100);
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("Show this help (options, defaults, examples) and exit.").build());
        return new CommandOptions(spec);
    }

    /** Usage examples, shown at the end of {@code --help}. */
    public CommandOptions examples(String... lines) {
        StringBuilder footer = new StringBuilder("%nExample" + (lines.length > 1 ? "s" : "") + ":");
        for (String line : lines) {
            footer.append("%n  ").append(line.replace("%", "%%"));
        }
        spec.usageMessage().footer(footer.toString());
        return this;
    }

    /** More text after the description, e.g. the list of models. */
    public CommandOptions note(String text) {
        String[] description = spec.usageMessage().description();
        String[] more = java.util.Arrays.copyOf(description, description.length + 1);
        more[description.length] = text.replace("%", "%%");
        spec.usageMessage().description(more);
        return this;
    }

    public CommandOptions integer(String name, int def, String description) {
        return add(name, Integer.class, "N", String.valueOf(def), description);
    }

    public CommandOptions longInteger(String name, long def, String description) {
        return add(name, Long.class, "N", String.valueOf(def), description);
    }

    /** An integer option without a default: {@link CliArgs#has} tells whether it was given. */
    public CommandOptions optionalInteger(String name, String description) {
        return add(name, Integer.class, "N", null, description);
    }

    /** A long option without a default: {@link CliArgs#has} tells whether it was given. */
    public CommandOptions optionalLong(String name, String description) {
        return add(name, Long.class, "N", null, description);
    }

    public CommandOptions decimal(String name, double def, String description) {
        return add(name, Double.class, "X", String.valueOf(def), description);
    }

    /** A decimal option without a default: {@link CliArgs#has} tells whether it was given. */
    public CommandOptions optionalDecimal(String name, String description) {
        return add(name, Double.class, "X", null, description);
    }

    /** A text option; {@code def} may be null (no default). */
    public CommandOptions text(String name, String def, String label, String description) {
        return add(name, String.class, label, def, description);
    }

    /** A path option; {@code def} may be null (no default). */
    public CommandOptions path(String name, Path def, String description) {
        return add(name, Path.class, "PATH", def == null ? null : def.toString(), description);
    }

    /**
     * A boolean: {@code --name} alone is true, {@code --name false} or {@code --name=false} false.
     * (picocli's usage leaves a boolean's default out, so it is one more line of the description.)
     */
    public CommandOptions flag(String name, boolean def, String description) {
        spec.addOption(OptionSpec.builder("--" + name).type(Boolean.class).arity("0..1").paramLabel("true|false")
                .defaultValue(String.valueOf(def)).description(description, "  Default: " + def).build());
        return this;
    }

    /** A boolean without a default (the command picks one, e.g. what an artifact recorded): {@link CliArgs#has} tells whether it was given. */
    public CommandOptions optionalFlag(String name, String description) {
        spec.addOption(OptionSpec.builder("--" + name).type(Boolean.class).arity("0..1").paramLabel("true|false")
                .description(description).build());
        return this;
    }

    /** A comma-separated list of {@code label}s, empty by default. */
    public CommandOptions list(String name, String label, String description) {
        return list(name, label, null, description);
    }

    /** A comma-separated list with a default such as {@code a,b}. */
    public CommandOptions list(String name, String label, String def, String description) {
        spec.addOption(OptionSpec.builder("--" + name).type(List.class).auxiliaryTypes(String.class).splitRegex(",")
                .splitRegexSynopsisLabel(",").paramLabel(label).defaultValue(def).description(description).build());
        return this;
    }

    /**
     * A text option the command cannot run without; the command reads it with {@link CliArgs#require},
     * so that an unknown option is reported before a missing one (picocli checks required ones first).
     */
    public CommandOptions required(String name, String label, String description) {
        return add(name, String.class, label, null, description + " Required.");
    }

    /** An option only kept to refuse an old name with its replacement; not listed in {@code --help}. */
    public CommandOptions renamed(String old) {
        spec.addOption(OptionSpec.builder("--" + old).type(String.class).arity("0..1").hidden(true).build());
        return this;
    }

    /** {@code -Dkey=value}, repeatable: job options ({@link CliArgs#properties}). */
    public CommandOptions properties(String description) {
        spec.addOption(OptionSpec.builder("-D").type(Map.class).auxiliaryTypes(String.class, String.class)
                .paramLabel("KEY=VALUE").description(description).build());
        return this;
    }

    /** Collects the arguments this command does not declare, for a command that hands them on ({@link CliArgs#unmatched}). */
    public CommandOptions passingOnOthers() {
        spec.parser().unmatchedArgumentsAllowed(true).unmatchedOptionsArePositionalParams(true);
        return this;
    }

    /**
     * The value of {@code --name} in {@code args}, read before a command's options are built because
     * they depend on it (train's on {@code --model}); null when absent. Everything else is left to the
     * command's own parse.
     */
    public static String peek(List<String> args, String name) {
        CommandSpec spec = CommandSpec.create();
        spec.addOption(OptionSpec.builder("--" + name).type(String.class).build());
        spec.parser().unmatchedArgumentsAllowed(true).unmatchedOptionsArePositionalParams(true);
        CommandLine line = new CommandLine(spec);
        line.setExpandAtFiles(false);
        try {
            return line.parseArgs(args.toArray(String[]::new)).matchedOptionValue("--" + name, null);
        } catch (CommandLine.ParameterException e) {
            return null; // e.g. --name without a value: the command's own parse says so
        }
    }

    public CommandOptions subcommand(CommandOptions sub) {
        spec.addSubcommand(sub.spec.name(), sub.spec);
        return this;
    }

    public boolean declares(String name) {
        return spec.findOption("--" + name) != null;
    }

    public String name() {
        return spec.name();
    }

    /** The usage {@code --help} prints, without colours. */
    public String usage() {
        return new CommandLine(spec).getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    public CommandSpec spec() {
        return spec;
    }

    /** Parses {@code args} against these options (no help handling): for code that builds a command's options itself. */
    public CliArgs parse(List<String> args) {
        return new CliArgs(commandLine().parseArgs(args.toArray(String[]::new)));
    }

    /**
     * The picocli command line of these options: {@code @file} arguments are not expanded (a data
     * path may start with {@code @}), and an option given twice takes the last value, so that a
     * caller can append an override to a command line.
     */
    public CommandLine commandLine() {
        CommandLine line = new CommandLine(spec);
        line.setExpandAtFiles(false);
        line.setOverwrittenOptionsAllowed(true);
        return line;
    }

    private CommandOptions add(String name, Class<?> type, String label, String def, String description) {
        spec.addOption(OptionSpec.builder("--" + name).type(type).paramLabel(label).defaultValue(def)
                .description(description).build());
        return this;
    }
}
