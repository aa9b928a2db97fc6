package dev.streamrec.jobs.local;

import dev.streamrec.model.data.Interaction;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReplayEventsTest {

    @Test
    void repeatedPassesAreTheSameEventsByOtherUsersWithUniqueIds() {
        List<Interaction> base = List.of(new Interaction("1", "a", 1_000L, 4.0), new Interaction("2", "b", 2_000L, 3.5));

        List<Interaction> three = ReplayEvents.repeated(base, 3);

        assertEquals(6, three.size());
        assertEquals(base, three.subList(0, 2));
        assertEquals(new Interaction("1~1", "a", 1_000L, 4.0), three.get(2));
        assertEquals(new Interaction("2~2", "b", 2_000L, 3.5), three.get(5));
        Set<String> ids = new HashSet<>();
        for (byte[] event : ReplayEvents.encode(three, 0)) {
            ids.add(new String(event, java.nio.charset.StandardCharsets.UTF_8).replaceAll(".*\"eventId\":\"([^\"]+)\".*", "$1"));
        }
        assertEquals(6, ids.size());
        assertEquals(base, ReplayEvents.repeated(base, 1));
    }
}
