package dev.flywheel.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The build's version and git commit, written into {@code flywheel-build.properties} by Maven. */
public final class BuildInfo {
    private static final String VERSION = load();

    private BuildInfo() {
    }

    /** "0.1.0-SNAPSHOT+abc1234", or the version alone when the build had no git commit. */
    public static String version() {
        return VERSION;
    }

    private static String load() {
        Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/flywheel-build.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            // fall through to "unknown"
        }
        String version = properties.getProperty("version", "unknown");
        String commit = properties.getProperty("commit", "");
        return commit.isBlank() || commit.startsWith("${") ? version : version + "+" + commit;
    }
}
