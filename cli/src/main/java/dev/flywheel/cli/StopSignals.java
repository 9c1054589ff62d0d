package dev.flywheel.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Ctrl-C (SIGINT) and SIGTERM as a request to stop, for a command that runs until stopped ({@code serve}): instead of
 * the JVM's exit, which would end requests half-way, the command finishes what is under way and exits 0. A second
 * signal exits at once. Where the JVM does not let these signals be handled, they keep their usual effect (the
 * command's shutdown hook then does what it can). {@code sun.misc.Signal} is one of the internal APIs the JDK keeps
 * accessible on purpose (JEP 260, module jdk.unsupported); javac warns about it all the same.
 */
public final class StopSignals {
    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);

    private StopSignals() {
    }

    /** A latch that a first SIGINT or SIGTERM opens. */
    public static CountDownLatch install() {
        CountDownLatch stop = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    if (stopping.compareAndSet(false, true)) {
                        stop.countDown();
                    } else {
                        System.err.println("\nflywheel: stopping now, without waiting");
                        System.exit(128 + signal.getNumber());
                    }
                });
            } catch (IllegalArgumentException e) {
                LOG.warn("SIG{} cannot be handled here: {}", name, e.getMessage());
            }
        }
        return stop;
    }
}
