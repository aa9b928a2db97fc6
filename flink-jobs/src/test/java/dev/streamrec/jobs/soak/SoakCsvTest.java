package dev.streamrec.jobs.soak;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SoakCsvTest {

    @Test
    void shouldReadBackEverySampleWrittenAndKeepRowsOfAnUnclosedRun(@TempDir Path dir) throws Exception {
        List<String> columns = SoakSample.columns(List.of("taskmanager-1"));
        Map<String, Double> a = new LinkedHashMap<>();
        a.put(SoakSample.EVENTS_PER_SECOND, 99.5);
        a.put(SoakSample.ROCKSDB_BYTES, 123_456_789.0);
        a.put(SoakSample.taskManager("taskmanager-1", SoakSample.HEAP), 3.0e8);
        a.put(SoakSample.P99_MS, Double.NaN);
        Map<String, Double> b = new LinkedHashMap<>(a);
        b.put(SoakSample.EVENTS_PER_SECOND, 100.25);
        Path file = dir.resolve("soak.csv");
        SoakCsv csv = new SoakCsv(file, columns);
        csv.append(new SoakSample(30, a));
        csv.append(new SoakSample(60.5, b));
        // not closed yet: a killed run leaves its rows
        List<SoakSample> read = SoakCsv.read(file);
        csv.close();
        assertEquals(2, read.size());
        assertEquals(60.5, read.get(1).elapsedSeconds(), 1e-9);
        assertEquals(100.25, read.get(1).get(SoakSample.EVENTS_PER_SECOND), 1e-9);
        assertEquals(123_456_789.0, read.get(0).get(SoakSample.ROCKSDB_BYTES), 1e-9);
        assertEquals(3.0e8, read.get(0).get(SoakSample.taskManager("taskmanager-1", SoakSample.HEAP)), 1e-9);
        assertTrue(Double.isNaN(read.get(0).get(SoakSample.P99_MS)));
        assertTrue(Double.isNaN(read.get(0).get(SoakSample.RESTARTS)), "a series never written reads as missing");
        assertEquals("elapsed_s," + String.join(",", columns), Files.readAllLines(file).get(0));
    }
}
