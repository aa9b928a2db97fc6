package dev.streamrec.jobs.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobConfigTest {

    static Set<String> knownKeys() throws IllegalAccessException {
        Set<String> keys = new HashSet<>();
        for (Field f : JobOptions.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == ConfigOption.class) {
                keys.add(((ConfigOption<?>) f.get(null)).key());
            }
        }
        return keys;
    }

    @Test
    void shouldOnlyUseKnownKeysInTheShippedConfigFiles() throws Exception {
        Set<String> known = knownKeys();
        Path dir = Path.of("..", "config");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).toList();
        }
        assertTrue(files.size() >= 2, "config files: " + files);
        for (Path f : files) {
            Configuration c = JobConfig.load(f, Map.of());
            for (String key : c.keySet()) {
                assertTrue(known.contains(key), f + ": unknown key " + key);
            }
            // typed access parses every value
            for (Field field : JobOptions.class.getFields()) {
                if (field.getType() == ConfigOption.class) {
                    c.getOptional((ConfigOption<?>) field.get(null));
                }
            }
        }
    }

    @Test
    void shouldApplyOverridesAfterTheFile() throws Exception {
        Configuration c = JobConfig.load(Path.of("..", "config", "local.yaml"),
                Map.of("checkpoint.interval", "2 s", "models", "popularity,sasrec"));
        assertEquals(Duration.ofSeconds(2), c.get(JobOptions.CHECKPOINT_INTERVAL));
        assertEquals(List.of("popularity", "sasrec"), c.get(JobOptions.MODELS));
        assertEquals(List.of("cooccurrence", "sasrec", "popularity"),
                JobConfig.load(Path.of("..", "config", "local.yaml"), Map.of()).get(JobOptions.MODELS));
        assertEquals(50, c.get(JobOptions.SEQUENCE_MAX_LENGTH));
    }

    @Test
    void shouldTurnOnRocksDbBloomFiltersUnlessConfigured() {
        assertTrue(dev.streamrec.jobs.RecommenderJob.runtimeConfiguration(new Configuration())
                .get(org.apache.flink.state.rocksdb.RocksDBConfigurableOptions.USE_BLOOM_FILTER));
        Configuration off = new Configuration();
        off.setString("state.backend.rocksdb.use-bloom-filter", "false");
        assertEquals(false, dev.streamrec.jobs.RecommenderJob.runtimeConfiguration(off)
                .get(org.apache.flink.state.rocksdb.RocksDBConfigurableOptions.USE_BLOOM_FILTER));
    }

    @Test
    void shouldTuneRocksDbUnlessAnotherOptionsFactoryIsConfigured() {
        assertEquals(dev.streamrec.jobs.state.RocksDbTuning.class.getName(),
                dev.streamrec.jobs.RecommenderJob.runtimeConfiguration(new Configuration())
                        .get(org.apache.flink.state.rocksdb.RocksDBOptions.OPTIONS_FACTORY));
        Configuration own = new Configuration();
        own.setString("state.backend.rocksdb.options-factory", "com.example.Own");
        assertEquals("com.example.Own", dev.streamrec.jobs.RecommenderJob.runtimeConfiguration(own)
                .get(org.apache.flink.state.rocksdb.RocksDBOptions.OPTIONS_FACTORY));
    }
}
