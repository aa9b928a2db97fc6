package dev.streamrec.model.serving;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** models.device takes cpu and cuda:N (which DJL's own parser rejects) for every model family. */
class DevicesTest {

    @Test
    void shouldReadTheConfiguredSpellings() {
        assertEquals(Device.cpu(), Devices.parse("cpu"));
        assertEquals(Device.cpu(), Devices.parse(" CPU "));
        assertEquals(Device.cpu(), Devices.parse(null));
        assertEquals(Device.gpu(0), Devices.parse("cuda:0"));
        assertEquals(Device.gpu(3), Devices.parse("cuda:3"));
        assertEquals(Device.gpu(1), Devices.parse("gpu1"));
        for (String bad : new String[] {"cuda", "cuda:", "cuda:-1", "gpu", "tpu0", "cuda:0,1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Devices.parse(bad), bad);
            assertTrue(e.getMessage().contains("use cpu or cuda:N"), e.getMessage());
        }
    }

    @Test
    void shouldSayWhatToChangeWhenTheEngineSeesNoSuchGpu() {
        int gpus = Engine.getInstance().getGpuCount();
        assertEquals(Device.cpu(), Devices.available("cpu"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Devices.available("cuda:" + gpus));
        assertTrue(e.getMessage().contains("sees " + gpus + " GPU(s)"), e.getMessage());
        assertTrue(e.getMessage().contains("PYTORCH_LIBRARY_PATH"), e.getMessage());
    }

    @Test
    void shouldTakeAGpuTheEngineSees() {
        assumeTrue(Engine.getInstance().getGpuCount() > 0, "no GPU on this machine");
        assertEquals(Device.gpu(0), Devices.available("cuda:0"));
    }
}
