package dev.flywheel.testing;

import java.io.IOException;
import java.io.InputStream;

/** Test streams: content generated on the fly, so large objects never sit in memory. */
public final class Bytes {
    private Bytes() {
    }

    /** {@code size} bytes of a repeating pattern that starts with {@code seed}. */
    public static InputStream generated(long size, int seed) {
        return new InputStream() {
            private long position;

            @Override
            public int read() {
                if (position >= size) {
                    return -1;
                }
                return (int) ((seed + position++ * 31) & 0xFF);
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (position >= size) {
                    return -1;
                }
                int n = (int) Math.min(length, size - position);
                for (int i = 0; i < n; i++) {
                    buffer[offset + i] = (byte) ((seed + position++ * 31) & 0xFF);
                }
                return n;
            }
        };
    }

    /** A stream that delivers {@code before} bytes and then fails, like a client or a process dying mid-write. */
    public static InputStream failingAfter(long before) {
        InputStream good = generated(before, 7);
        return new InputStream() {
            @Override
            public int read() throws IOException {
                int b = good.read();
                if (b < 0) {
                    throw new IOException("connection lost after " + before + " bytes");
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = good.read(buffer, offset, length);
                if (n < 0) {
                    throw new IOException("connection lost after " + before + " bytes");
                }
                return n;
            }
        };
    }
}
