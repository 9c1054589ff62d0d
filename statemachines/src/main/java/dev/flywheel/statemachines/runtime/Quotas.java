package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The AWS Step Functions quotas (Standard workflows) that the interpreter applies, so that a definition that runs
 * locally also runs on AWS: the history of one execution and the size of the data passed between states.
 */
public final class Quotas {
    /**
     * Events in one execution's history, its first and last event included: a hard quota. Event number 25,000 may only
     * be the execution's own end; any other event there fails the execution with {@code States.Runtime}.
     */
    public static final int HISTORY_EVENTS = 25_000;

    /**
     * Bytes, as UTF-8 JSON text, of an execution input or output, a state input or output, a task's parameters or a
     * task's result: 256 KiB.
     */
    public static final int PAYLOAD_BYTES = 256 * 1024;

    private Quotas() {
    }

    /** The size of {@code value} written as compact JSON in UTF-8, in bytes. */
    public static long payloadBytes(JsonNode value) {
        return count(value, Long.MAX_VALUE);
    }

    /** Whether {@code value} is larger than {@link #PAYLOAD_BYTES}; stops writing as soon as it knows. */
    public static boolean exceedsPayload(JsonNode value) {
        return value != null && count(value, PAYLOAD_BYTES) > PAYLOAD_BYTES;
    }

    /** Counts the bytes of {@code value}, giving up (and returning a number above {@code cap}) once past {@code cap}. */
    private static long count(JsonNode value, long cap) {
        if (value == null) {
            return 4;
        }
        CountingStream counter = new CountingStream(cap);
        try {
            StateMachine.MAPPER.writeValue(counter, value);
        } catch (CapReached e) {
            return counter.count;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure a JSON value", e);
        }
        return counter.count;
    }

    /** Counts what is written and throws {@link CapReached} once the count passes the cap. */
    private static final class CountingStream extends OutputStream {
        private final long cap;
        private long count;

        CountingStream(long cap) {
            this.cap = cap;
        }

        @Override
        public void write(int b) throws IOException {
            add(1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            add(len);
        }

        private void add(long n) throws CapReached {
            count += n;
            if (count > cap) {
                throw new CapReached();
            }
        }
    }

    private static final class CapReached extends IOException {
        private static final long serialVersionUID = 1L;

        CapReached() {
            super("cap reached", null);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
