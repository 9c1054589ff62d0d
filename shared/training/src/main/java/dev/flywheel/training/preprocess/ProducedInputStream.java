package dev.flywheel.training.preprocess;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * An {@link InputStream} whose bytes are produced on demand, a piece (some matrix rows, one CSV record) at a
 * time. {@link dev.flywheel.store.ArtifactStore#put} streams its content, so an artifact built this way is
 * written without ever being held whole in memory.
 */
final class ProducedInputStream extends InputStream {

    /** Produces the content piece by piece. */
    interface Producer {
        /**
         * Writes the next piece to {@code out}, which is the same stream on every call.
         *
         * @return false when this call wrote the last piece (or nothing was left)
         */
        boolean writeNext(OutputStream out) throws IOException;

        /** Releases what the producer holds (an open file); called once, when the stream closes. */
        default void close() throws IOException {
        }
    }

    /** A {@link ByteArrayOutputStream} whose bytes can be copied out without {@code toByteArray()}. */
    private static final class Piece extends ByteArrayOutputStream {
        int copy(int from, byte[] to, int offset, int length) {
            int n = Math.min(length, count - from);
            System.arraycopy(buf, from, to, offset, n);
            return n;
        }
    }

    private final Producer producer;
    private final Piece piece = new Piece();
    private int position;
    private boolean last;

    ProducedInputStream(Producer producer) {
        this.producer = producer;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (position == piece.size()) {
            if (last) {
                return -1;
            }
            piece.reset();
            position = 0;
            last = !producer.writeNext(piece);
        }
        int n = piece.copy(position, b, off, len);
        position += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        producer.close();
    }

    /** Reads the whole stream into {@code out} (for callers that hold an {@link OutputStream}). */
    void copyTo(OutputStream out) {
        try (this) {
            transferTo(out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
