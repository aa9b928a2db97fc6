package dev.streamrec.jobs.cluster;

import dev.streamrec.model.data.Interaction;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
        assertEquals(ChaosFault.JOBMANAGER, ChaosFault.of("jobmanager"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChaosFault.of("zookeeper"));
        assertTrue(e.getMessage().contains("taskmanager,broker,jobmanager,savepoint,upgrade,rescale:N,hotswap"), e.getMessage());
    }

    @Test
    void shouldReadARescaleWithItsParallelism() {
        assertEquals(ChaosFault.rescale(4), ChaosFault.of("rescale:4"));
        assertEquals("rescale:4", ChaosFault.of("RESCALE:4").label());
        assertThrows(IllegalArgumentException.class, () -> ChaosFault.of("rescale"));
        assertThrows(IllegalArgumentException.class, () -> ChaosFault.of("rescale:0"));
        assertThrows(IllegalArgumentException.class, () -> ChaosFault.of("broker:2"));
    }

    @Test
    void shouldRefuseAJobManagerKillWithoutHaARescaleBeyondTheSlotsAndASwapWithoutAVersion() {
        ClusterSettings noHa = ClusterSettings.defaults(Path.of("/tmp/x"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChaosScenario.check(List.of(ChaosFault.JOBMANAGER), noHa, 0));
        assertTrue(e.getMessage().contains("--ha"), e.getMessage());
        ChaosScenario.check(List.of(ChaosFault.JOBMANAGER, ChaosFault.rescale(4), ChaosFault.HOTSWAP),
                noHa.withHighAvailability(2181), 1);
        e = assertThrows(IllegalArgumentException.class, () -> ChaosScenario.check(List.of(ChaosFault.rescale(5)), noHa, 0));
        assertTrue(e.getMessage().contains("4 (--taskmanagers, --slots)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ChaosScenario.check(List.of(ChaosFault.HOTSWAP, ChaosFault.HOTSWAP), noHa, 1));
        assertTrue(e.getMessage().contains("2 hotswap faults"), e.getMessage());
    }
}
