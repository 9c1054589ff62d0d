package dev.flywheel.store;

import dev.flywheel.registry.Registries;

/**
 * The artifact store and the registries a process works with. Which adapters back them is chosen where the process
 * starts: {@code LocalStores} (a folder and SQLite: the CLI) or {@code AwsStores} (S3 and DynamoDB: a Lambda
 * handler's no-arg constructor, or the CLI with {@code FLYWHEEL_MODE=aws}); this port knows neither.
 */
public record Stores(ArtifactStore artifacts, Registries registries) implements AutoCloseable {

    @Override
    public void close() {
        registries.close();
    }
}
