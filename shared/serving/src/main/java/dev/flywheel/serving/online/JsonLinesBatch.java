package dev.flywheel.serving.online;

import com.fasterxml.jackson.databind.ObjectWriter;
import dev.flywheel.json.Json;
import dev.flywheel.store.ArtifactStore;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** A batch object of captures or feedback: gzip-compressed JSON Lines, one record per line. */
public final class JsonLinesBatch {
    private static final ObjectWriter WRITER = Json.mapper().writer();

    private JsonLinesBatch() {
    }

    /** Writes the records as one object (the store's put is atomic: readers see the whole batch or none). */
    public static void write(ArtifactStore store, String key, List<?> records) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 * records.size() / 4 + 64);
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            for (Object record : records) {
                gzip.write(WRITER.writeValueAsBytes(record));
                gzip.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        store.put(key, new ByteArrayInputStream(bytes.toByteArray()));
    }

    /** Streams the records of one batch object, one at a time (memory does not grow with the batch). */
    public static <T> void read(ArtifactStore store, String key, Class<T> type, Consumer<T> each) {
        try (InputStream in = store.get(key);
             BufferedReader reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(in),
                     StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    each.accept(Json.read(line, type));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the batch " + key + ": " + e.getMessage(), e);
        }
    }
}
