package dev.flywheel.serving.online;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Where captures and feedback live: {@code captures/<model>/<yyyy>/<mm>/<dd>/<hh>/<batch>.jsonl.gz} and
 * {@code feedback/<model>/<yyyy>/<mm>/<dd>/<hh>/<batch>.jsonl.gz}, hour partitions in UTC, so a time window is a
 * list of prefixes (and, on AWS, a Distributed Map over them).
 */
public final class CaptureKeys {
    public static final String CAPTURES = "captures";
    public static final String FEEDBACK = "feedback";
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy/MM/dd/HH").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private CaptureKeys() {
    }

    /** {@code captures/<model>/<yyyy>/<mm>/<dd>/<hh>/} for the hour of {@code at}. */
    public static String hourPrefix(String kind, String model, Instant at) {
        return kind + "/" + model + "/" + HOUR.format(at) + "/";
    }

    /** A batch's key: its hour, then its first timestamp and a writer-unique suffix, so keys sort by time. */
    public static String batchKey(String kind, String model, Instant first, String unique) {
        return hourPrefix(kind, model, first) + STAMP.format(first) + "-" + unique + ".jsonl.gz";
    }

    /** The hour prefixes that cover {@code [from, until)}, oldest first. */
    public static List<String> hourPrefixes(String kind, String model, Instant from, Instant until) {
        List<String> out = new ArrayList<>();
        ZonedDateTime hour = from.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.HOURS);
        while (hour.toInstant().isBefore(until)) {
            out.add(hourPrefix(kind, model, hour.toInstant()));
            hour = hour.plusHours(1);
        }
        return out;
    }
}
