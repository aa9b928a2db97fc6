package dev.streamrec.model.cli;

import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The options of one command as picocli parsed them against its {@link CommandOptions}: typed
 * reads by name, each value the one given or the declared default (no defaults here, no parsing of
 * its own). Reading an option the command does not declare is a programming error and fails.
 */
public final class CliArgs {

    private final ParseResult result;

    CliArgs(ParseResult result) {
        this.result = result;
    }

    /** Whether the option was given on the command line (not just defaulted). */
    public boolean has(String name) {
        option(name);
        return result.hasMatchedOption("--" + name);
    }

    /** The value given, else the declared default (null when it has none). */
    public String get(String name) {
        Object v = option(name).getValue();
        return v == null ? null : v.toString();
    }

    /** The value of an option the command cannot do without; fails naming it when absent. */
    public String require(String name) {
        String v = get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing required option --" + name);
        }
        return v;
    }

    public int getInt(String name) {
        return this.<Integer>value(name);
    }

    public long getLong(String name) {
        return this.<Long>value(name);
    }

    public double getDouble(String name) {
        return this.<Double>value(name);
    }

    public boolean getBoolean(String name) {
        return this.<Boolean>value(name);
    }

    /** A path option's value; null when neither given nor defaulted. */
    public Path getPath(String name) {
        return value(name);
    }

    /** A comma-separated list option's items (empty when not given). */
    public List<String> getList(String name) {
        List<String> v = value(name);
        return v == null ? List.of() : v.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** The {@code -Dkey=value} pairs given. */
    public Map<String, String> properties() {
        OptionSpec d = result.commandSpec().findOption("-D");
        if (d == null) {
            throw new IllegalStateException("command " + result.commandSpec().name() + " declares no -D");
        }
        Map<String, String> v = d.getValue();
        return v == null ? Map.of() : v;
    }

    /** The arguments of a command that hands the ones it does not declare on ({@link CommandOptions#passingOnOthers}). */
    public List<String> unmatched() {
        return result.unmatched();
    }

    /** The options given on the command line as name (without {@code --}) to value as given; flags as {@code true}. */
    public Map<String, String> options() {
        Map<String, String> given = new LinkedHashMap<>();
        for (OptionSpec o : result.matchedOptions()) {
            if (o.longestName().startsWith("--")) {
                List<String> raw = o.originalStringValues();
                given.put(o.longestName().substring(2), raw.isEmpty() ? "true" : String.join(",", raw));
            }
        }
        return given;
    }

    @SuppressWarnings("unchecked")
    private <T> T value(String name) {
        return (T) option(name).getValue();
    }

    private OptionSpec option(String name) {
        OptionSpec o = result.commandSpec().findOption("--" + name);
        if (o == null) {
            throw new IllegalStateException("command " + result.commandSpec().name() + " declares no option --" + name);
        }
        return o;
    }
}
