package dev.streamrec.jobs.state;

import dev.streamrec.jobs.config.JobOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.state.rocksdb.ConfigurableRocksDBOptionsFactory;
import org.apache.flink.state.rocksdb.RocksDBOptionsFactory;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.Env;
import org.rocksdb.Priority;

import java.util.Collection;

/**
 * RocksDB settings for this job's state, which Flink's own options do not reach: the job rewrites
 * each active user's value on every event and flushes the memtables at every checkpoint, so with
 * RocksDB's defaults (compact level 0 into level 1 at four files) a checkpoint interval of seconds
 * rewrites the whole state every few checkpoints, and on a small machine those compactions take
 * cores from scoring in bursts that queue events for a second or more.
 *
 * <ul>
 *   <li>{@link JobOptions#ROCKSDB_LEVEL0_COMPACTION_TRIGGER}: level-0 files before a compaction into level 1 (16 by
 *       default: a quarter of the rewrites; reads of the files in between stay cheap with the bloom
 *       filters on, and the write slowdown and stop triggers move up with it).
 *   <li>{@link JobOptions#ROCKSDB_LOW_PRIORITY_COMPACTION}: compaction threads run at the lowest CPU priority (nice
 *       19), so they use the cores scoring leaves idle instead of competing with it; flushes, which
 *       a checkpoint waits for, keep their priority.
 *   <li>{@link JobOptions#ROCKSDB_MAX_MANIFEST_SIZE}: the MANIFEST rolls over to a fresh one listing only
 *       the live files once it reaches this size (64 KiB by default). RocksDB never rolls it by default,
 *       and every flush and compaction appends to it, so a job that flushes at every checkpoint grows it
 *       without end, on disk and in every incremental checkpoint (which uploads it whole).
 * </ul>
 */
public final class RocksDbTuning implements ConfigurableRocksDBOptionsFactory {

    private static final long serialVersionUID = 1L;

    private int level0Trigger = JobOptions.ROCKSDB_LEVEL0_COMPACTION_TRIGGER.defaultValue();
    private boolean lowPriorityCompaction = JobOptions.ROCKSDB_LOW_PRIORITY_COMPACTION.defaultValue();
    private long maxManifestBytes = JobOptions.ROCKSDB_MAX_MANIFEST_SIZE.defaultValue().getBytes();

    @Override
    public RocksDBOptionsFactory configure(ReadableConfig config) {
        level0Trigger = Math.max(2, config.get(JobOptions.ROCKSDB_LEVEL0_COMPACTION_TRIGGER));
        lowPriorityCompaction = config.get(JobOptions.ROCKSDB_LOW_PRIORITY_COMPACTION);
        maxManifestBytes = config.get(JobOptions.ROCKSDB_MAX_MANIFEST_SIZE).getBytes();
        return this;
    }

    @Override
    public DBOptions createDBOptions(DBOptions current, Collection<AutoCloseable> handlesToClose) {
        if (lowPriorityCompaction) {
            // The default Env's pools are shared by every instance in the process; lowering is idempotent.
            Env.getDefault().lowerThreadPoolCPUPriority(Priority.LOW);
        }
        return current.setMaxManifestFileSize(maxManifestBytes);
    }

    @Override
    public ColumnFamilyOptions createColumnOptions(ColumnFamilyOptions current, Collection<AutoCloseable> handlesToClose) {
        return current.setLevel0FileNumCompactionTrigger(level0Trigger)
                .setLevel0SlowdownWritesTrigger(level0Trigger * 5 / 2)
                .setLevel0StopWritesTrigger(level0Trigger * 4);
    }

    /** The configured level-0 trigger (for tests). */
    int level0Trigger() {
        return level0Trigger;
    }

    /** Whether compaction threads are lowered (for tests). */
    boolean lowPriorityCompaction() {
        return lowPriorityCompaction;
    }
}
