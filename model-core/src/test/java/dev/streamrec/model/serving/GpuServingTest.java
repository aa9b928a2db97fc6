package dev.streamrec.model.serving;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The CUDA path: blocked top-K on the GPU equals the CPU result. Skips itself without a GPU. */
class GpuServingTest {

    @Test
    void shouldRankTheSameOnGpuAndCpu() {
        assumeTrue(Engine.getInstance().getGpuCount() > 0, "no GPU on this machine");
        Engine.getInstance().setRandomSeed(3);
        try (NDManager cpu = NDManager.newBaseManager(Device.cpu());
                NDManager gpu = NDManager.newBaseManager(Device.gpu(0))) {
            NDArray users = cpu.randomNormal(new Shape(8, 32));
            NDArray items = cpu.randomNormal(new Shape(20_000, 32));
            BlockedTopK.Candidates onCpu = BlockedTopK.dotProduct(cpu, users, items, 10, 4096);
            BlockedTopK.Candidates onGpu = BlockedTopK.dotProduct(gpu, users.toDevice(Device.gpu(0), true),
                    items.toDevice(Device.gpu(0), true), 10, 4096);
            for (int b = 0; b < 8; b++) {
                assertArrayEquals(onCpu.indices()[b], onGpu.indices()[b]);
            }
        }
    }
}
