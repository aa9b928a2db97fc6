package dev.streamrec.model.stress;

/**
 * The daemon thread every stress child starts: {@code System.gc()} every so many milliseconds, so
 * that direct buffers only a dropped Java wrapper kept alive are freed within milliseconds instead
 * of whenever the heap fills (issue 26's faults needed a collection at the wrong moment).
 */
final class ForcedCollections {

    private ForcedCollections() {}

    /** Starts the thread; nothing when {@code millis} is 0 or less. */
    static void startEvery(long millis) {
        if (millis <= 0) {
            return;
        }
        Thread gc = new Thread(() -> collectEvery(millis), "stress-gc");
        gc.setDaemon(true);
        gc.start();
    }

    private static void collectEvery(long millis) {
        while (true) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                return;
            }
            System.gc();
        }
    }
}
