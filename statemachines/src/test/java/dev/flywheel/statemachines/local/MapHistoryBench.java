package dev.flywheel.statemachines.local;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.statemachines.runtime.ExecutionListener;
import dev.flywheel.statemachines.runtime.ExecutionResult;
import dev.flywheel.json.Json;
import dev.flywheel.registry.Registries;
import dev.flywheel.store.local.SqliteMetadataTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.stream.Stream;

/**
 * Prints how fast the embedded runtime runs a Map of Pass items with its history persisted to SQLite (the path
 * {@code flywheel executions start} takes), in items per second, and how big metadata.db grows. An inline Map
 * takes four history events per item, so past 6,249 items it fails at the 25,000-event quota, as on AWS. Not a
 * test; run with
 * {@code mvn -B -q -Dflywheel.skipNpm=true -pl cli -am test-compile dependency:build-classpath
 * -Dmdep.outputFile=target/test-cp.txt -Dmdep.includeScope=test} and then, from the repository root,
 * {@code java -cp cli/target/test-classes:cli/target/classes:$(cat cli/target/test-cp.txt)
 * dev.flywheel.statemachines.local.MapHistoryBench [items=10000] [maxConcurrency=0] [runs=3]}.
 */
public final class MapHistoryBench {
    private MapHistoryBench() {
    }

    public static void main(String[] args) throws IOException {
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int maxConcurrency = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        String definition = """
                {"StartAt": "MyMap", "States": {"MyMap": {"Type": "Map", "ItemsPath": "$.items",
                  "MaxConcurrency": %d,
                  "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
                  "ResultPath": null, "End": true}}}""".formatted(maxConcurrency);
        ObjectNode input = Json.object();
        ArrayNode array = input.putArray("items");
        for (int i = 0; i < items; i++) {
            array.add(i);
        }
        for (int run = 1; run <= runs; run++) {
            Path home = Files.createTempDirectory("flywheel-map-bench");
            Path db = home.resolve("metadata.db");
            long elapsed;
            ExecutionResult result;
            try (Registries registries = Registries.over(SqliteMetadataTable.open(db), Clock.systemUTC())) {
                LocalRuntime runtime = new LocalRuntime(new LocalFunctions(), registries.executions(),
                        Clock.systemUTC(), duration -> { });
                long t0 = System.nanoTime();
                result = runtime.run("map-bench", definition, input, ExecutionListener.none());
                elapsed = System.nanoTime() - t0;
            }
            long done = result.events().stream().filter(e -> e.type().equals("MapIterationSucceeded")).count();
            System.out.printf("run %d: Map of %,d Pass items (MaxConcurrency %d): %s %s, %,d events, %,d items done "
                            + "in %.2f s, %,.0f items/s, metadata.db %s%n", run, items, maxConcurrency,
                    result.status(), result.error() == null ? "" : result.error(), result.events().size(), done,
                    elapsed / 1e9, done / (elapsed / 1e9), size(home));
            delete(home);
        }
    }

    private static String size(Path home) throws IOException {
        try (Stream<Path> files = Files.list(home)) {
            long bytes = files.mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
            return String.format("%.1f MB", bytes / 1e6);
        }
    }

    private static void delete(Path home) throws IOException {
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
