package dev.flywheel.training.ingest;

import dev.flywheel.training.steps.IngestRequest;

import dev.flywheel.io.ScratchFolder;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.store.ArtifactNotFoundException;
import dev.flywheel.store.ArtifactStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * The source of an ingest staged in a local temporary file, with its format: read twice (profile, then
 * validation), and deleted on {@link #close()}.
 */
final class SourceFile implements AutoCloseable {
    /** Rows between two progress reports of a pass over the source. */
    static final int PROGRESS_ROWS = 100_000;

    private final Path path;
    private final String format;

    private SourceFile(Path path, String format) {
        this.path = path;
        this.format = format;
    }

    static void checkGiven(String source) {
        if (source == null || source.isBlank()) {
            throw new InvalidInputException("source is required: a file:///absolute/path.csv or s3://bucket/key URI");
        }
    }

    /** The requested format, or else the source's extension's: "csv" or "jsonl". */
    static String format(IngestRequest request) {
        String format = request.format();
        if (format == null || format.isBlank()) {
            String path = request.source().toLowerCase(Locale.ROOT);
            format = path.endsWith(".jsonl") || path.endsWith(".ndjson") ? "jsonl" : "csv";
        }
        format = format.trim().toLowerCase(Locale.ROOT);
        if (!format.equals("csv") && !format.equals("jsonl")) {
            throw new InvalidInputException("format must be 'csv' or 'jsonl', got '" + request.format() + "'");
        }
        return format;
    }

    /** Copies the source to a local temporary file: it is read twice, and S3 sources are read once. */
    static SourceFile fetch(ArtifactStore artifacts, String source, String format) {
        Path local = tempFile("source");
        try {
            if (source.startsWith("file:")) {
                Path path;
                try {
                    path = Path.of(URI.create(source));
                } catch (IllegalArgumentException e) {
                    throw new InvalidInputException("source '" + source + "' is not a valid file URI: use "
                            + "file:///absolute/path.csv", e);
                }
                Files.copy(path, local, StandardCopyOption.REPLACE_EXISTING);
            } else {
                String key;
                try {
                    key = artifacts.keyOf(source);
                } catch (IllegalArgumentException e) {
                    throw new InvalidInputException("source '" + source + "' is neither a file:// URI nor inside the "
                            + "artifact store (" + artifacts.uri("datasets") + "...): upload it there first", e);
                }
                try (InputStream in = artifacts.get(key)) {
                    Files.copy(in, local, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return new SourceFile(local, format);
        } catch (NoSuchFileException | ArtifactNotFoundException e) {
            ScratchFolder.delete(local);
            throw new InvalidInputException("source '" + source + "' does not exist: check the path", e);
        } catch (IOException e) {
            ScratchFolder.delete(local);
            throw new UncheckedIOException("cannot read " + source, e);
        } catch (RuntimeException e) {
            ScratchFolder.delete(local);
            throw e;
        }
    }

    /** A new pass over the staged rows. */
    TabularReader open() {
        return TabularReader.open(path, format);
    }

    /** A new empty temporary file of the ingest. */
    static Path tempFile(String what) {
        return ScratchFolder.createFile("ingest-" + what, ".tmp");
    }

    @Override
    public void close() {
        ScratchFolder.delete(path);
    }
}
