package dev.streamrec.jobs.scoring;

import dev.streamrec.model.baseline.DecayedPopularity;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The served models change only on their owning thread, and never while a batch has borrowed them. */
class ConfinedModelsTest {

    private final ServedModel popularity = new ServedModel(DecayedPopularity.NAME, new DecayedPopularity(60_000));
    private final ConfinedModels models = new ConfinedModels(new ServingModels(List.of(popularity), 0));

    @Test
    void shouldGiveTheModelsToTheOwningThreadBetweenBatches() {
        assertEquals(List.of(popularity), models.betweenBatches().all());
    }

    @Test
    void shouldRefuseThemWhileABatchHasBorrowedThemUntilItIsReturned() {
        assertEquals(List.of(popularity), models.lend());
        IllegalStateException e = assertThrows(IllegalStateException.class, models::betweenBatches);
        assertEquals("the models are being scored: change them only between batches", e.getMessage());
        assertThrows(IllegalStateException.class, models::lend, "one batch at a time");
        models.returned();
        assertSame(popularity, models.betweenBatches().get(popularity.name()));
        assertThrows(IllegalStateException.class, models::returned, "nothing to take back");
    }

    @Test
    void shouldRefuseEveryOtherThread() {
        for (Runnable call : List.<Runnable>of(models::betweenBatches, models::lend, models::returned)) {
            CompletionException e = assertThrows(CompletionException.class, () -> CompletableFuture.runAsync(call).join());
            assertInstanceOf(IllegalStateException.class, e.getCause());
        }
        models.lend(); // the owner still can
        models.returned();
    }
}
