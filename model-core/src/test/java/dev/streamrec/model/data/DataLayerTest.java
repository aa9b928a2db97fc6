package dev.streamrec.model.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class DataLayerTest {

    @Test
    void shouldParseQuotedCsvFieldsAndCrlf() {
        assertEquals(List.of("1", "American President, The (1995)", "Comedy|Drama"),
                CsvLineParser.parse("1,\"American President, The (1995)\",Comedy|Drama\r"));
        assertEquals(List.of("a \"q\"", ""), CsvLineParser.parse("\"a \"\"q\"\"\","));
    }

    @Test
    void shouldReadTheBundledMovieLensInReplayOrder() throws Exception {
        List<Interaction> all = MovieLens.bundled().interactions();
        assertEquals(100_836, all.size());
        assertEquals(new Interaction("429", "22", 828124615000L, 4.0), all.get(0));
        assertEquals(new Interaction("514", "162", 1537799250000L, 4.0), all.get(all.size() - 1));
        assertEquals("American President, The (1995)", MovieLens.bundled().movies().get("11").title());
        assertEquals(3683, MovieLens.bundled().tags().size());
    }

    @Test
    void shouldReadTheGenericFormatAndSplitLeaveOneOut(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("i.csv");
        Files.writeString(csv, "userId,itemId,timestamp,extra\nu1,a,3,x\nu1,b,1,x\nu1,c,2,x\nu1,d,4,x\nu2,a,1,y\n");
        SequenceDataset ds = SequenceDataset.of(InteractionReader.read(csv));
        assertEquals(2, ds.numUsers());
        ItemIndex idx = ds.items();
        int[] s = ds.sequence(0);
        assertEquals(List.of("b", "c", "a", "d"),
                java.util.Arrays.stream(s).mapToObj(idx::idAt).toList());
        LeaveOneOutSplit split = new LeaveOneOutSplit(ds);
        assertArrayEquals(new int[] {s[0], s[1]}, split.train().get(0));
        assertEquals(s[2], split.validation().get(0).target());
        assertEquals(s[3], split.test().get(0).target());
        assertArrayEquals(new int[] {s[0], s[1], s[2]}, split.test().get(0).history());
        assertEquals(1, split.test().size()); // u2 has too few items
    }

    @Test
    void shouldRoundTripFeatureFiles(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("title.tsv.gz");
        new ModalityFeatures("title", 2, Map.of("a", new float[] {1f, -0.5f})).write(f);
        ModalityFeatures read = ModalityFeatures.read(f);
        assertEquals("title", read.name());
        assertArrayEquals(new float[] {1f, -0.5f}, read.get("a"));
        assertNull(read.get("b"));
        ItemIndex idx = ItemIndex.of(List.of("b", "a"));
        float[][] t = read.alignedTo(idx);
        assertArrayEquals(new float[] {0f, 0f}, t[1]);
        assertArrayEquals(new float[] {1f, -0.5f}, t[2]);
        Path plain = dir.resolve("img.tsv");
        Files.writeString(plain, "x\t1 2 3\n", StandardCharsets.UTF_8);
        assertEquals(3, ModalityFeatures.read(plain).dim());
    }
}
