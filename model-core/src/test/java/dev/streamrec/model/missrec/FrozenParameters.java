package dev.streamrec.model.missrec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Map;

/** Test check of parameter-efficient fine-tuning: frozen parameters are bit-identical before and after. */
final class FrozenParameters {

    private FrozenParameters() {}

    /**
     * Asserts that every parameter {@code params} marks frozen has the same bits in both snapshots;
     * returns how many were checked.
     */
    static int assertUnchanged(Parameters params, Map<String, float[]> before, Map<String, float[]> after) {
        int frozen = 0;
        for (String name : before.keySet()) {
            if (params.isFrozen(name)) {
                frozen++;
                assertArrayEquals(before.get(name), after.get(name), name + " is frozen");
            }
        }
        return frozen;
    }
}
