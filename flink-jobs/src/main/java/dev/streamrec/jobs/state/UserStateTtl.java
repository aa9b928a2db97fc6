package dev.streamrec.jobs.state;

import org.apache.flink.api.common.state.StateTtlConfig;

import java.time.Duration;

/**
 * The one time-to-live of everything the job keeps per user (the sequence and its dedup window,
 * per-user model state, the last predictions awaiting evaluation): measured from the last write,
 * never returned once expired, and removed by RocksDB's compaction filter, so idle users do not
 * grow the state forever.
 */
public final class UserStateTtl {

    /** State entries the compaction filter processes before it refreshes the current time. */
    private static final int COMPACTION_QUERY_EVERY = 1000;

    private UserStateTtl() {}

    public static StateTtlConfig of(Duration ttl) {
        return StateTtlConfig.newBuilder(ttl)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .cleanupInRocksdbCompactFilter(COMPACTION_QUERY_EVERY)
                .build();
    }
}
