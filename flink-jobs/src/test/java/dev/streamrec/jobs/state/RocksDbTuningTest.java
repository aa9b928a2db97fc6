package dev.streamrec.jobs.state;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RocksDbTuningTest {

    static {
        RocksDB.loadLibrary();
    }

    @Test
    void shouldMoveTheLevel0TriggersTogether() {
        Configuration conf = new Configuration();
        conf.setString("state.rocksdb.level0-compaction-trigger", "8");
        conf.setString("state.rocksdb.low-priority-compaction", "false");
        RocksDbTuning tuning = (RocksDbTuning) new RocksDbTuning().configure(conf);
        assertFalse(tuning.lowPriorityCompaction());
        try (ColumnFamilyOptions column = new ColumnFamilyOptions(); DBOptions db = new DBOptions()) {
            assertSame(column, tuning.createColumnOptions(column, new ArrayList<>()));
            assertSame(db, tuning.createDBOptions(db, new ArrayList<>()));
            assertEquals(8, column.level0FileNumCompactionTrigger());
            assertEquals(20, column.level0SlowdownWritesTrigger());
            assertEquals(32, column.level0StopWritesTrigger());
        }
    }

    @Test
    void shouldDefaultToSixteenFilesAndLowPriorityCompaction() {
        RocksDbTuning tuning = (RocksDbTuning) new RocksDbTuning().configure(new Configuration());
        assertEquals(16, tuning.level0Trigger());
        assertTrue(tuning.lowPriorityCompaction());
        try (ColumnFamilyOptions column = new ColumnFamilyOptions(); DBOptions db = new DBOptions()) {
            tuning.createDBOptions(db, new ArrayList<>());
            tuning.createColumnOptions(column, new ArrayList<>());
            assertEquals(16, column.level0FileNumCompactionTrigger());
            assertEquals(40, column.level0SlowdownWritesTrigger());
            assertEquals(64, column.level0StopWritesTrigger());
            assertEquals(64 * 1024, db.maxManifestFileSize());
        }
    }

    /**
     * A job flushes its memtables at every checkpoint; each flush (and each compaction) appends to the
     * MANIFEST. Without a size at which it rolls over, 600 flushes leave a MANIFEST of tens of KiB that
     * keeps growing (and that every incremental checkpoint uploads whole).
     */
    @Test
    void shouldKeepTheManifestBoundedAcrossManyFlushes(@TempDir Path dir) throws RocksDBException, IOException {
        Configuration conf = new Configuration();
        conf.setString("state.rocksdb.max-manifest-size", "16 kb");
        conf.setString("state.rocksdb.low-priority-compaction", "false");
        RocksDbTuning tuning = (RocksDbTuning) new RocksDbTuning().configure(conf);
        try (DBOptions db = tuning.createDBOptions(new DBOptions().setCreateIfMissing(true), new ArrayList<>());
             ColumnFamilyOptions column = tuning.createColumnOptions(new ColumnFamilyOptions(), new ArrayList<>());
             Options options = new Options(db, column);
             RocksDB rocks = RocksDB.open(options, dir.toString());
             FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            long largest = 0;
            for (int round = 0; round < 600; round++) {
                for (int k = 0; k < 20; k++) {
                    rocks.put(("user-" + (round * 7 + k) % 500).getBytes(StandardCharsets.UTF_8),
                            ("round-" + round).getBytes(StandardCharsets.UTF_8));
                }
                rocks.flush(flush);
                largest = Math.max(largest, manifestBytes(dir));
            }
            assertTrue(largest < 2 * 16 * 1024, "the MANIFEST reached " + largest + " bytes");
        }
    }

    private static long manifestBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("MANIFEST-"))
                    .mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
