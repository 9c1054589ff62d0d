package dev.flywheel.domain;

import dev.flywheel.config.FlywheelConfig;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Optional;

/**
 * The process that runs a piece of work (an execution, a training run): enough to tell later, from the same
 * machine, whether it is still there. A process that was killed ({@code kill -9}, out of memory, power loss)
 * leaves its work marked RUNNING; comparing the owner with the living processes shows it as abandoned.
 *
 * @param host      the machine's host name
 * @param pid       the process id
 * @param startedAt when the process started (a pid can be reused by another process later)
 */
public record ProcessOwner(String host, long pid, Instant startedAt) {
    private static final ProcessOwner CURRENT = current0();

    public ProcessOwner {
        Require.text(host, "owner host");
        Require.notNull(startedAt, "owner start time");
    }

    /** Whether the owner still runs. */
    public enum Liveness {
        ALIVE,
        /** The process is gone (or its pid belongs to another process now). */
        GONE,
        /** It runs on another machine: this one cannot tell. */
        UNKNOWN
    }

    /** This process. */
    public static ProcessOwner current() {
        return CURRENT;
    }

    public Liveness liveness() {
        if (!host.equals(CURRENT.host)) {
            return Liveness.UNKNOWN;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return Liveness.GONE;
        }
        boolean sameStart = process.get().info().startInstant()
                .map(s -> Math.abs(s.toEpochMilli() - startedAt.toEpochMilli()) < 1000).orElse(true);
        return sameStart ? Liveness.ALIVE : Liveness.GONE;
    }

    /** "process 1234 on host x" */
    public String describe() {
        return "process " + pid + " on " + host;
    }

    private static ProcessOwner current0() {
        ProcessHandle self = ProcessHandle.current();
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = Optional.ofNullable(FlywheelConfig.environment("HOSTNAME")).orElse("localhost");
        }
        return new ProcessOwner(host, self.pid(), self.info().startInstant().orElse(Instant.now()));
    }
}
