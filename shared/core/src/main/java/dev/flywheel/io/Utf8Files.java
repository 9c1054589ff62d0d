package dev.flywheel.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Text files read strictly as UTF-8: a byte sequence that is not UTF-8 fails (a {@link CharacterCodingException}
 * somewhere in the cause chain) instead of being replaced silently; a leading byte-order mark is skipped. Ingest's
 * reader and the CLI's reading of user-named files share it.
 */
public final class Utf8Files {
    private Utf8Files() {
    }

    /** A reader of {@code file}, strictly UTF-8, past its byte-order mark if it has one. */
    public static BufferedReader reader(Path file) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)), 64 * 1024);
        reader.mark(1);
        int first = reader.read();
        if (first != '\uFEFF' && first != -1) {
            reader.reset();
        }
        return reader;
    }

    /** Whether {@code e} or one of its causes is a decoding error: the text was not UTF-8. */
    public static boolean isDecodingError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CharacterCodingException) {
                return true;
            }
        }
        return false;
    }
}
