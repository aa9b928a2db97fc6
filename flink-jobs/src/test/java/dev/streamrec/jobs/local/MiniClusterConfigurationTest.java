package dev.streamrec.jobs.local;

import dev.streamrec.jobs.config.JobOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The embedded MiniCluster gets local mode's managed memory unless Flink's own setting names one. */
class MiniClusterConfigurationTest {

    @Test
    void shouldGiveRocksDbTheLocalManagedMemoryUnlessFlinksOwnSettingIsThere() {
        Configuration conf = new Configuration();
        assertEquals(JobOptions.LOCAL_MANAGED_MEMORY.defaultValue(),
                LocalStack.miniClusterConfiguration(conf).get(TaskManagerOptions.MANAGED_MEMORY_SIZE));
        conf.set(JobOptions.LOCAL_MANAGED_MEMORY, MemorySize.parse("1g"));
        assertEquals(MemorySize.parse("1g"),
                LocalStack.miniClusterConfiguration(conf).get(TaskManagerOptions.MANAGED_MEMORY_SIZE));
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("64m"));
        assertEquals(MemorySize.parse("64m"),
                LocalStack.miniClusterConfiguration(conf).get(TaskManagerOptions.MANAGED_MEMORY_SIZE));
    }
}
