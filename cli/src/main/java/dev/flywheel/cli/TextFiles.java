package dev.flywheel.cli;

import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.io.Utf8Files;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Path;

/**
 * The files a user names, read as text: strictly UTF-8 (a byte sequence that is not UTF-8 is an error that names
 * the file, never the decoder's "Input length = 1" nor a silently replaced character), a leading byte-order mark
 * skipped.
 */
public final class TextFiles {
    private TextFiles() {
    }

    /** A reader of {@code file}, strictly UTF-8, past its byte-order mark if it has one ({@link Utf8Files}). */
    public static BufferedReader reader(Path file) throws IOException {
        return Utf8Files.reader(file);
    }

    /**
     * The whole of {@code file} as text.
     *
     * @param expected what the file should be, for the message when it is not text: "a JSON file"
     * @throws InvalidInputException when it is not UTF-8 text
     */
    public static String read(Path file, String expected) {
        try (BufferedReader reader = reader(file)) {
            StringBuilder text = new StringBuilder();
            char[] buffer = new char[8192];
            for (int n; (n = reader.read(buffer)) >= 0; ) {
                text.append(buffer, 0, n);
            }
            return text.toString();
        } catch (CharacterCodingException e) {
            throw notText(file, expected);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** "FILE is not UTF-8 text: give EXPECTED". */
    public static InvalidInputException notText(Path file, String expected) {
        return new InvalidInputException(file + " is not UTF-8 text: give " + expected);
    }

    /** Whether {@code e} or one of its causes is a decoding error: the text was not UTF-8. */
    public static boolean notUtf8(Throwable e) {
        return Utf8Files.isDecodingError(e);
    }
}
