package dev.streamrec.jobs.testutil;

import dev.streamrec.model.serving.Answer;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.ScoredItem;
import dev.streamrec.model.serving.SumsUserStates;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A served model named {@code bm3} whose shared counts sum its users' states, as BM3's item degrees
 * do, for the tests of the scoring parts that exchange, publish and withdraw such counts. A stored
 * state is {@code version:item,item,...} ({@link #state}) and counts one per item, only for a model
 * of that version. The model keeps what its own users' stored states add ({@link #own}, through
 * {@link #userStateStored}; {@link #forgetUserStates} clears it), what other subtasks report
 * ({@link #others}) and each report as it came ({@link #reports}). It answers no request.
 */
public final class SummingModel implements SumsUserStates {

    public final Map<String, Integer> own = new TreeMap<>();
    public final Map<String, Integer> others = new TreeMap<>();
    public final List<Map<String, Integer>> reports = new ArrayList<>();
    private final String version;

    public SummingModel(String version) {
        this.version = version;
    }

    /** A stored state of a model of {@code version} holding {@code items} (comma-separated). */
    public static byte[] state(String version, String items) {
        return (version + ":" + items).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String name() {
        return "bm3";
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public List<List<ScoredItem>> recommend(List<RecommendRequest> batch) {
        return List.of();
    }

    @Override
    public List<Answer> answer(List<RecommendRequest> batch) {
        return List.of();
    }

    @Override
    public void userStateStored(byte[] previous, byte[] stored) {
        countsChanged(previous, stored).forEach((item, n) -> own.merge(item, n, Integer::sum));
        own.values().removeIf(n -> n == 0);
    }

    @Override
    public void forgetUserStates() {
        own.clear();
    }

    @Override
    public Map<String, Integer> countsChanged(byte[] previous, byte[] stored) {
        Map<String, Integer> out = new HashMap<>();
        count(stored, 1, out);
        count(previous, -1, out);
        out.values().removeIf(n -> n == 0);
        return out;
    }

    private void count(byte[] state, int sign, Map<String, Integer> out) {
        String s = state == null ? "" : new String(state, StandardCharsets.UTF_8);
        if (s.startsWith(version + ":")) {
            for (String item : s.substring(version.length() + 1).split(",")) {
                out.merge(item, sign, Integer::sum);
            }
        }
    }

    @Override
    public void addCountsOfOtherUsers(Map<String, Integer> delta) {
        reports.add(delta);
        delta.forEach((item, n) -> others.merge(item, n, Integer::sum));
        others.values().removeIf(n -> n == 0);
    }
}
