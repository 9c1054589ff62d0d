package dev.flywheel.ml.features;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
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
        try {
            DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out, 1 << 16));
            ByteBuffer head = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            head.putInt(MAGIC).putInt(rows).putInt(columns);
            data.write(head.array());
            writeFloats(data, features);
            writeFloats(data, labels);
            data.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
            float[] features = readFloats(data, Math.multiplyExact(rows, columns));
            float[] labels = readFloats(data, rows);
            return new MatrixFile(rows, columns, features, labels);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            if (!buffer.hasRemaining()) {
                out.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            buffer.putFloat(v);
        }
        out.write(buffer.array(), 0, buffer.position());
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
