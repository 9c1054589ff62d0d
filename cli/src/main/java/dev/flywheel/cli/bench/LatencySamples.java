package dev.flywheel.cli.bench;

import java.util.Arrays;

/** Every latency sample of one measurement, in nanoseconds; percentiles by nearest rank over all of them. */
public final class LatencySamples {
    private long[] nanos = new long[1 << 14];
    private int size;
    private boolean sorted;

    void add(long sample) {
        if (size == nanos.length) {
            nanos = Arrays.copyOf(nanos, size * 2);
        }
        nanos[size++] = sample;
        sorted = false;
    }

    public int count() {
        return size;
    }

    /** The {@code p}-th percentile (0 < p <= 100) in microseconds. */
    public double percentileMicros(double p) {
        if (size == 0) {
            throw new IllegalStateException("no samples");
        }
        if (!sorted) {
            Arrays.sort(nanos, 0, size);
            sorted = true;
        }
        int rank = (int) Math.ceil(p / 100.0 * size);
        return nanos[Math.max(0, Math.min(size, rank) - 1)] / 1000.0;
    }

    public double p50() {
        return percentileMicros(50);
    }

    public double p90() {
        return percentileMicros(90);
    }

    public double p99() {
        return percentileMicros(99);
    }

    public double meanMicros() {
        double sum = 0;
        for (int i = 0; i < size; i++) {
            sum += nanos[i];
        }
        return size == 0 ? 0 : sum / size / 1000.0;
    }
}
