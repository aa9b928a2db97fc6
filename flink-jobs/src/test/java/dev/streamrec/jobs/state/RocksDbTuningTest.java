package dev.streamrec.jobs.state;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;

import java.util.ArrayList;

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
        }
    }
}
