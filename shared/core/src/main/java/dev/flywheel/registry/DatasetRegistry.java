package dev.flywheel.registry;

import dev.flywheel.domain.DatasetVersion;
import dev.flywheel.json.Json;
import dev.flywheel.store.MetadataTable;
import dev.flywheel.store.MetadataTable.Condition;
import dev.flywheel.store.MetadataTable.Put;
import java.util.List;
import java.util.Optional;

/**
 * The dataset catalogue: consecutive versions per dataset name, one version per distinct content.
 */
public final class DatasetRegistry {
    private final MetadataTable table;
    private final VersionCounter versions;

    public DatasetRegistry(MetadataTable table) {
        this.table = table;
        this.versions = new VersionCounter(table);
    }

    /** The outcome of {@link #register}: the version, and whether this call created it. */
    public record Registration(DatasetVersion dataset, boolean created) {
    }

    /**
     * Registers {@code draft} as the next version of its dataset, unless a version with the same sha256 exists:
     * then that version is returned and nothing is written.
     */
    public Registration register(DatasetVersion draft) {
        String pk = Keys.dataset(draft.name());
        return Conflicts.retry("registering dataset " + draft.name(), () -> {
            Optional<DatasetVersion> existing = findBySha256(draft.name(), draft.sha256());
            if (existing.isPresent()) {
                return new Registration(existing.get(), false);
            }
            int next = versions.writeNext(pk, draft.name(), version -> List.of(
                    new Put(pk, Keys.version(version), Json.write(draft.withVersion(version)), Condition.ABSENT),
                    new Put(pk, sha(draft.sha256()), "{\"version\":" + version + "}", Condition.ABSENT)));
            DatasetVersion registered = draft.withVersion(next);
            return new Registration(registered, true);
        });
    }

    public Optional<DatasetVersion> find(String name, int version) {
        return table.get(Keys.dataset(name), Keys.version(version))
                .map(item -> Json.read(item.body(), DatasetVersion.class));
    }

    /** @throws DatasetNotFoundException when the dataset or the version does not exist */
    public DatasetVersion get(String name, int version) {
        return find(name, version).orElseThrow(() -> new DatasetNotFoundException(
                "dataset '" + name + "' has no version " + version));
    }

    public Optional<DatasetVersion> latest(String name) {
        return table.query(Keys.dataset(name), "V#", true, 1).stream()
                .findFirst().map(item -> Json.read(item.body(), DatasetVersion.class));
    }

    public Optional<DatasetVersion> findBySha256(String name, String sha256) {
        return table.get(Keys.dataset(name), sha(sha256))
                .map(item -> Json.tree(item.body()).path("version").asInt())
                .flatMap(version -> find(name, version));
    }

    /** Versions of one dataset, oldest first. */
    public List<DatasetVersion> versions(String name) {
        return table.query(Keys.dataset(name), "V#", false, 0).stream()
                .map(item -> Json.read(item.body(), DatasetVersion.class)).toList();
    }

    /** Names of every registered dataset, sorted. */
    public List<String> names() {
        return table.query(Keys.CATALOG, "DATASET#", false, 0).stream()
                .map(item -> item.sk().substring("DATASET#".length())).toList();
    }

    private static String sha(String sha256) {
        return "SHA#" + sha256;
    }
}
