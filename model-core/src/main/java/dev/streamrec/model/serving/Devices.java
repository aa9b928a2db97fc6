package dev.streamrec.model.serving;

import ai.djl.Device;
import ai.djl.engine.Engine;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The device names the job's config ({@code models.device}) and the CLIs take, as DJL devices:
 * {@code cpu}, {@code cuda:N} (PyTorch's spelling, the one the docs use) and DJL's own {@code gpuN}.
 * DJL's {@link Device#fromName} rejects {@code cuda:N}, so every model family parses through here
 * and a GPU works for all of them alike.
 */
public final class Devices {

    private static final Pattern GPU = Pattern.compile("(?:cuda:|gpu)(\\d+)");

    private Devices() {}

    /** The device a name stands for; blank means {@code cpu}. */
    public static Device parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT);
        if (n.isEmpty() || n.equals("cpu")) {
            return Device.cpu();
        }
        Matcher m = GPU.matcher(n);
        if (m.matches()) {
            return Device.gpu(Integer.parseInt(m.group(1)));
        }
        throw new IllegalArgumentException("unknown device '" + name + "': use cpu or cuda:N (N = the GPU's index, from 0)");
    }

    /**
     * {@link #parse} and, for a GPU, a check that the engine sees it: a host without that GPU, or
     * with the CPU build of libtorch, fails here with what to change, not inside the first tensor
     * operation.
     */
    public static Device available(String name) {
        Device d = parse(name);
        if (d.isGpu()) {
            int gpus = Engine.getInstance().getGpuCount();
            if (d.getDeviceId() >= gpus) {
                throw new IllegalStateException("device " + name + " asked for, but the PyTorch engine sees "
                        + gpus + " GPU(s): on a GPU host point DJL at a CUDA libtorch (PYTORCH_LIBRARY_PATH and"
                        + " PYTORCH_FLAVOR, docs/ops.md) or set models.device: cpu");
            }
        }
        return d;
    }
}
