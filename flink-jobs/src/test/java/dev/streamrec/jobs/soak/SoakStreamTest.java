package dev.streamrec.jobs.soak;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SoakStreamTest {

    private static final SoakSettings SMALL = new SoakSettings(java.time.Duration.ofMinutes(1), 100,
            java.time.Duration.ofSeconds(30), java.time.Duration.ofMinutes(1), java.time.Duration.ofMinutes(10),
            java.time.Duration.ofMinutes(1),
            java.time.Duration.ofMinutes(10), 20, 10, 50, 40, 25, 100, 100, 7);

    private static List<SoakStream.Next> draw(SoakStream s, int n) {
        List<SoakStream.Next> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(s.next());
        }
        return out;
    }

    @Test
    void shouldGiveTheSameStreamForTheSameSeedAndAnotherForAnother() {
        assertEquals(draw(new SoakStream(SMALL), 5_000), draw(new SoakStream(SMALL), 5_000));
        SoakSettings other = SMALL.withDeletionsAndSeed(SMALL.deletionEvery(), 8);
        assertFalse(draw(new SoakStream(SMALL), 200).equals(draw(new SoakStream(other), 200)));
    }

    @Test
    void shouldGrowTheUsersWhileOnlyTheNewestAreActive() {
        SoakStream s = new SoakStream(SMALL);
        List<SoakStream.Next> first = draw(s, 1_000);
        int usersAfterFirst = s.users();
        List<SoakStream.Next> later = draw(s, 1_000);
        assertTrue(s.users() > usersAfterFirst, "new users keep arriving");
        assertEquals(SMALL.initialUsers() + s.events() / SMALL.newUserEvery(), s.users());
        Set<String> lateUsers = new HashSet<>();
        later.stream().filter(n -> n instanceof SoakStream.Event).forEach(n -> lateUsers.add(((SoakStream.Event) n).userId()));
        assertTrue(lateUsers.size() <= SMALL.activeUsers() + 1000 / SMALL.newUserEvery(), "active set bounded: " + lateUsers.size());
        Set<String> firstUsers = new HashSet<>();
        first.stream().filter(n -> n instanceof SoakStream.Event).forEach(n -> firstUsers.add(((SoakStream.Event) n).userId()));
        assertTrue(firstUsers.stream().anyMatch(u -> !lateUsers.contains(u)), "early users have left");
    }

    @Test
    void shouldChurnTheCatalogueAndKeepEveryItemInIt() {
        SoakStream s = new SoakStream(SMALL);
        for (int i = 0; i < 3_000; i++) {
            SoakStream.Next n = s.next();
            if (n instanceof SoakStream.Event e) {
                int item = Integer.parseInt(e.itemId().substring(1));
                assertTrue(item >= s.firstItem() && item <= s.newestItem(), e + " in the catalogue");
            }
        }
        assertEquals(s.events() / SMALL.itemChurnEvery(), s.firstItem(), "one item retired per churn interval");
        assertEquals(SMALL.catalogueSize(), s.newestItem() - s.firstItem() + 1);
    }

    @Test
    void shouldRequestDeletionsOfDepartedUsersOnceAndNeverSeeThemAgain() {
        SoakStream s = new SoakStream(SMALL);
        Set<String> deleted = new HashSet<>();
        for (int i = 0; i < 5_000; i++) {
            SoakStream.Next n = s.next();
            if (n instanceof SoakStream.Deletion d) {
                assertTrue(deleted.add(d.userId()), "deleted once: " + d.userId());
            } else {
                SoakStream.Event e = (SoakStream.Event) n;
                assertFalse(deleted.contains(e.userId()), "a deleted user sends nothing: " + e);
            }
        }
        // the first users depart after (activeUsers - initialUsers + 1) * newUserEvery = 310 events
        assertTrue(s.deletions() >= (s.events() - 400) / SMALL.deletionEvery(), "one per interval: " + s.deletions());
        assertEquals(deleted.size(), s.deletions());
    }
}
