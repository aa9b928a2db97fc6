package dev.streamrec.jobs.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/** One model version's metrics in one event-time window, kept for pairing. POJO. */
public class WindowScore {
    public String model;
    public String modelVersion;
    public long windowStart;
    public Map<String, Double> metrics = new LinkedHashMap<>();

    public WindowScore() {}

    public WindowScore(String model, String modelVersion, long windowStart, Map<String, Double> metrics) {
        this.model = model;
        this.modelVersion = modelVersion;
        this.windowStart = windowStart;
        this.metrics = new LinkedHashMap<>(metrics);
    }
}
