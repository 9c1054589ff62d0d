package dev.flywheel.store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.function.Function;

/**
 * Passes a stream through while hashing it, and fails at its end when the sha256 of what passed differs from the
 * one expected: a reader that consumes the whole stream cannot use corrupt content without being told. A reader
 * that stops early checks nothing.
 */
public final class VerifyingInputStream extends FilterInputStream {
    private final MessageDigest digest = Hashing.sha256Digest();
    private final String expectedSha256;
    private final Function<String, RuntimeException> mismatch;
    private boolean checked;

    /**
     * @param mismatch builds the error to throw from the actual sha256
     */
    public VerifyingInputStream(InputStream in, String expectedSha256, Function<String, RuntimeException> mismatch) {
        super(in);
        this.expectedSha256 = expectedSha256;
        this.mismatch = mismatch;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b < 0) {
            check();
        } else {
            digest.update((byte) b);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n < 0) {
            check();
        } else {
            digest.update(buffer, offset, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipped bytes must be hashed too.
        byte[] buffer = new byte[(int) Math.min(8192, Math.max(1, n))];
        long skipped = 0;
        while (skipped < n) {
            int read = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (read < 0) {
                break;
            }
            skipped += read;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void check() {
        if (checked) {
            return;
        }
        checked = true;
        String actual = Hashing.hex(digest.digest());
        if (!actual.equals(expectedSha256)) {
            throw mismatch.apply(actual);
        }
    }
}
