package dev.flywheel.cli;

import java.lang.management.ManagementFactory;

/** What to say when the JVM ran out of heap: one line with the setting that gives it more, and a size to try. */
public final class OutOfMemory {
    private OutOfMemory() {
    }

    /** Whether {@code error} (an error name as Step Functions reports it, or a message) is an out-of-memory. */
    public static boolean named(String error) {
        return error != null && error.contains("OutOfMemoryError");
    }

    public static boolean caused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
        }
        return false;
    }

    /** The advice: twice the heap this JVM had, within the machine's memory. */
    public static String advice() {
        long heapMb = Runtime.getRuntime().maxMemory() / (1024 * 1024);
        long machineMb = machineMemoryMb();
        long suggestedGb = Math.max(1, (2 * heapMb + 1023) / 1024);
        if (machineMb > 0) {
            suggestedGb = Math.min(suggestedGb, Math.max(1, machineMb * 3 / 4 / 1024));
        }
        return "out of memory: the JVM had a " + heapMb + " MB heap" + (machineMb > 0 ? " (this machine has "
                + machineMb / 1024 + " GB)" : "") + "; run again with FLYWHEEL_JAVA_OPTS=-Xmx" + suggestedGb
                + "g (./flywheel passes it to java)";
    }

    private static long machineMemoryMb() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize() / (1024 * 1024);
        }
        return -1;
    }
}
