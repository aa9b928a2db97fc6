package dev.streamrec.jobs.cluster;

import dev.streamrec.model.data.Interaction;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChaosScenarioTest {

    @Test
    void shouldSpreadTheFaultsEvenlyOverTheStreamedPart() {
        assertArrayEquals(new int[] {350, 600, 850}, ChaosScenario.faultPoints(100, 1100, 3));
        assertArrayEquals(new int[] {600}, ChaosScenario.faultPoints(100, 1100, 1));
        assertArrayEquals(new int[0], ChaosScenario.faultPoints(100, 1100, 0));
    }

    @Test
    void shouldSendInteractionsKeyedByUserWithTheReplayIds() {
        List<ChaosScenario.Event> events = ChaosScenario.events(List.of(new Interaction("7", "42", 1_000L, 4.0)));

        assertEquals("r-7-42-1000", events.get(0).id());
        assertEquals("7", new String(events.get(0).key(), StandardCharsets.UTF_8));
        assertTrue(new String(events.get(0).value(), StandardCharsets.UTF_8).contains("\"eventId\":\"r-7-42-1000\""));
    }

    @Test
    void shouldNameEveryFaultWhenOneIsUnknown() {
        assertEquals(ChaosFault.BROKER, ChaosFault.of(" Broker "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChaosFault.of("jobmanager"));
        assertTrue(e.getMessage().contains("taskmanager,broker,savepoint"), e.getMessage());
    }
}
