package dev.streamrec.model.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parsed command-line options of the form {@code --name value} or {@code --flag}; anything else is
 * positional. Typed getters with defaults keep option handling out of the commands.
 */
public final class CliArgs {

    private final Map<String, String> options = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    public static CliArgs parse(List<String> args) {
        CliArgs a = new CliArgs();
        for (int i = 0; i < args.size(); i++) {
            String s = args.get(i);
            if (s.startsWith("--")) {
                String name = s.substring(2);
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    a.options.put(name.substring(0, eq), name.substring(eq + 1));
                } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                    a.options.put(name, args.get(++i));
                } else {
                    a.options.put(name, "true");
                }
            } else {
                a.positional.add(s);
            }
        }
        return a;
    }

    public boolean has(String name) {
        return options.containsKey(name);
    }

    public String get(String name, String def) {
        return options.getOrDefault(name, def);
    }

    public String require(String name) {
        String v = options.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing required option --" + name);
        }
        return v;
    }

    public int getInt(String name, int def) {
        return has(name) ? Integer.parseInt(options.get(name)) : def;
    }

    public long getLong(String name, long def) {
        return has(name) ? Long.parseLong(options.get(name)) : def;
    }

    public double getDouble(String name, double def) {
        return has(name) ? Double.parseDouble(options.get(name)) : def;
    }

    public boolean getBoolean(String name, boolean def) {
        return has(name) ? Boolean.parseBoolean(options.get(name)) : def;
    }

    public Path getPath(String name, Path def) {
        return has(name) ? Path.of(options.get(name)) : def;
    }

    /** Comma-separated list option. */
    public List<String> getList(String name) {
        if (!has(name) || options.get(name).isBlank()) {
            return List.of();
        }
        return List.of(options.get(name).split(","));
    }

    public List<String> positional() {
        return positional;
    }

    public Map<String, String> options() {
        return options;
    }
}
