package dev.flywheel.training.preprocess;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A dense float32 matrix with one label per row, in a compact binary form: the magic "FWM1", rows and columns
 * (int32), then rows × columns features row-major, then the labels; little-endian. Missing values are NaN.
 */
public record MatrixFile(int rows, int columns, float[] features, float[] labels) {
    private static final int MAGIC = 0x314D5746; // "FWM1" little-endian

    public MatrixFile {
        if (features.length != (long) rows * columns || labels.length != rows) {
            throw new IllegalArgumentException("matrix of " + rows + "x" + columns + " has " + features.length
                    + " features and " + labels.length + " labels");
        }
    }

    public void write(OutputStream out) {
        encode(rows, columns, (row, to) -> System.arraycopy(features, row * columns, to, 0, columns), labels)
                .copyTo(out);
    }

    /** Fills {@code out} (length: columns) with the features of one row. */
    @FunctionalInterface
    public interface RowSource {
        void features(int row, float[] out);
    }

    /**
     * The file's bytes, produced row by row as they are read: a matrix of any size is written (for example with
     * {@link dev.flywheel.store.ArtifactStore#put}) without holding its features in memory.
     *
     * @param source fills the features of row 0, 1, ... rows - 1, each asked for once, in order
     * @param labels one label per row
     */
    static ProducedInputStream encode(int rows, int columns, RowSource source, float[] labels) {
        if (labels.length != rows) {
            throw new IllegalArgumentException(rows + " rows have " + labels.length + " labels");
        }
        ByteBuffer chunk = ByteBuffer.allocate(Math.max(1 << 16, 12 + 4 * columns)).order(ByteOrder.LITTLE_ENDIAN);
        float[] row = new float[columns];
        return new ProducedInputStream(new ProducedInputStream.Producer() {
            private boolean headerDone;
            private int nextRow;
            private int nextLabel;

            @Override
            public boolean writeNext(OutputStream out) throws IOException {
                chunk.clear();
                if (!headerDone) {
                    chunk.putInt(MAGIC).putInt(rows).putInt(columns);
                    headerDone = true;
                }
                while (nextRow < rows && chunk.remaining() >= 4 * columns) {
                    source.features(nextRow++, row);
                    for (float v : row) {
                        chunk.putFloat(v);
                    }
                }
                while (nextRow == rows && nextLabel < rows && chunk.remaining() >= 4) {
                    chunk.putFloat(labels[nextLabel++]);
                }
                out.write(chunk.array(), 0, chunk.position());
                return nextLabel < rows;
            }
        });
    }

    public static MatrixFile read(InputStream in) {
        try {
            DataInputStream data = new DataInputStream(new BufferedInputStream(in, 1 << 16));
            byte[] head = new byte[12];
            data.readFully(head);
            ByteBuffer h = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
            if (h.getInt() != MAGIC) {
                throw new IllegalArgumentException("not a Flywheel matrix file");
            }
            int rows = h.getInt();
            int columns = h.getInt();
            if (rows < 0 || columns < 0 || ((long) rows * columns + rows) * Float.BYTES > Runtime.getRuntime().maxMemory()) {
                throw new IllegalArgumentException("the matrix header says " + rows + " rows x " + columns
                        + " columns: not a matrix this heap can hold (a damaged file?)");
            }
            float[] features = readFloats(data, Math.multiplyExact(rows, columns));
            float[] labels = readFloats(data, rows);
            return new MatrixFile(rows, columns, features, labels);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static float[] readFloats(DataInputStream in, int n) throws IOException {
        float[] values = new float[n];
        byte[] bytes = new byte[1 << 16];
        int done = 0;
        while (done < n) {
            int count = Math.min(bytes.length / 4, n - done);
            in.readFully(bytes, 0, count * 4);
            ByteBuffer.wrap(bytes, 0, count * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values, done, count);
            done += count;
        }
        return values;
    }
}
