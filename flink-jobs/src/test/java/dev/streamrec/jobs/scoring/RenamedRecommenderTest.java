package dev.streamrec.jobs.scoring;

import dev.streamrec.model.serving.Recommender;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

/**
 * A renamed model behaves as the model itself: every method of {@link Recommender} is passed on,
 * none left to the interface's default (a default forgetUserStates made a renamed BM3 count its
 * users twice at each recount).
 */
class RenamedRecommenderTest {

    @Test
    void shouldPassEveryRecommenderMethodToTheModel() {
        for (Method m : Recommender.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) || m.getName().equals("name")) {
                continue;
            }
            assertDoesNotThrow(() -> RenamedRecommender.class.getDeclaredMethod(m.getName(), m.getParameterTypes()),
                    "RenamedRecommender does not pass on " + m);
        }
    }
}
