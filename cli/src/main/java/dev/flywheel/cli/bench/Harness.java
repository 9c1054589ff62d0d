package dev.flywheel.cli.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small hand-rolled harness (JMH is not in the shaded CLI jar): each call timed on its own with
 * {@link System#nanoTime}, after a warm-up that runs the same calls for a while so that the JIT has compiled them;
 * every sample is kept and percentiles are taken over all of them. Calls compared with each other are timed in turns
 * ({@link #latencies}), so that the machine's drift does not fall on one of them. Results are folded into a sink so
 * that the JIT cannot drop a call whose result is unused.
 */
public final class Harness {
    /** One call of the code under test; {@code i} counts the calls (to cycle through inputs). */
    @FunctionalInterface
    public interface Call {
        long run(int i) throws Exception;
    }

    /** What back-to-back calls on one thread cost: how many, in how much wall time and CPU time. */
    public record Throughput(long calls, double wallSeconds, double threadCpuSeconds, double processCpuSeconds,
                             long gcCount, long gcMillis) {
        public double callsPerSecond() {
            return calls / wallSeconds;
        }

        /** Calls per second of CPU time of the whole process: JIT, GC and background threads included. */
        public double callsPerProcessCpuSecond() {
            return processCpuSeconds <= 0 ? Double.NaN : calls / processCpuSeconds;
        }

        public double processCpuMicrosPerCall() {
            return processCpuSeconds * 1e6 / calls;
        }

        public double threadCpuMicrosPerCall() {
            return threadCpuSeconds * 1e6 / calls;
        }

        Throughput plus(Throughput other) {
            return new Throughput(calls + other.calls, wallSeconds + other.wallSeconds,
                    threadCpuSeconds + other.threadCpuSeconds, processCpuSeconds + other.processCpuSeconds,
                    gcCount + other.gcCount, gcMillis + other.gcMillis);
        }
    }

    /** The fewest calls of a warm-up or a measurement, however short its time. */
    private static final int MIN_CALLS = 50;
    private static volatile long sink;

    private Harness() {
    }

    /** A call to time, and for how long in all. */
    public record Scenario(Call call, double seconds) {
    }

    /** A scenario's samples, and its calls, wall time and CPU time over its turns. */
    public record Measured(LatencySamples samples, Throughput throughput) {
    }

    /**
     * Times several calls in turns: each is warmed up for {@code warmupSeconds} (at most its own time), then
     * {@code rounds} rounds give each call its share of its time; its samples, wall time and CPU time of every round
     * are added up. The machine's speed drifts (other processes, the host): in turns, the drift weighs on every call
     * alike, so that their differences and ratios hold.
     */
    public static Map<String, Measured> latencies(Map<String, Scenario> scenarios, double warmupSeconds, int rounds)
            throws Exception {
        Map<String, LatencySamples> samples = new LinkedHashMap<>();
        Map<String, Throughput> totals = new LinkedHashMap<>();
        for (Map.Entry<String, Scenario> e : scenarios.entrySet()) {
            run(e.getValue().call(), Math.min(warmupSeconds, e.getValue().seconds()), MIN_CALLS, null);
            samples.put(e.getKey(), new LatencySamples());
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int round = 0; round < rounds; round++) {
            for (Map.Entry<String, Scenario> e : scenarios.entrySet()) {
                LatencySamples s = samples.get(e.getKey());
                int before = s.count();
                long gcCount0 = gcCount();
                long gcMillis0 = gcMillis();
                long process0 = processCpuNanos();
                long thread0 = threads.getCurrentThreadCpuTime();
                long start = System.nanoTime();
                run(e.getValue().call(), e.getValue().seconds() / rounds, Math.max(1, MIN_CALLS / rounds), s);
                long wall = System.nanoTime() - start;
                long thread1 = threads.getCurrentThreadCpuTime();
                long process1 = processCpuNanos();
                Throughput t = new Throughput(s.count() - before, wall / 1e9, (thread1 - thread0) / 1e9,
                        process0 < 0 ? -1 : (process1 - process0) / 1e9, gcCount() - gcCount0,
                        gcMillis() - gcMillis0);
                totals.merge(e.getKey(), t, Throughput::plus);
            }
        }
        Map<String, Measured> out = new LinkedHashMap<>();
        samples.forEach((name, s) -> out.put(name, new Measured(s, totals.get(name))));
        return out;
    }

    /** Calls for {@code seconds}, and at least {@code minCalls} times. */
    private static void run(Call call, double seconds, int minCalls, LatencySamples samples) throws Exception {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long acc = 0;
        int i = 0;
        long t1;
        do {
            long t0 = System.nanoTime();
            acc += call.run(i++);
            t1 = System.nanoTime();
            if (samples != null) {
                samples.add(t1 - t0);
            }
        } while (t1 < end || i < minCalls);
        sink += acc;
    }

    /** CPU time of the whole process in nanoseconds, or -1 where the JVM does not say. */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    static long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    static long gcMillis() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionTime());
        }
        return n;
    }
}
