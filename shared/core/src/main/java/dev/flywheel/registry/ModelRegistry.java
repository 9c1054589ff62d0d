package dev.flywheel.registry;

import dev.flywheel.domain.AliasMove;
import dev.flywheel.domain.ModelAlias;
import dev.flywheel.domain.ModelVersion;
import dev.flywheel.json.Json;
import dev.flywheel.store.ConditionFailedException;
import dev.flywheel.store.MetadataTable;
import dev.flywheel.store.MetadataTable.Condition;
import dev.flywheel.store.MetadataTable.Put;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The model registry: consecutive versions per model name, and aliases ({@code champion}, {@code challenger})
 * that move by compare-and-set and keep the history of every move (for rollback and audit).
 */
public final class ModelRegistry {
    private static final String ALIAS = "ALIAS#";
    private static final String ALIAS_LOG = "ALIASLOG#";

    private final MetadataTable table;
    private final VersionCounter versions;
    private final Clock clock;

    public ModelRegistry(MetadataTable table, Clock clock) {
        this.table = table;
        this.versions = new VersionCounter(table);
        this.clock = clock;
    }

    /** Registers {@code draft} as the next version of its model and returns it with its number. */
    public ModelVersion register(ModelVersion draft) {
        String pk = Keys.model(draft.name());
        return Conflicts.retry("registering model " + draft.name(), () -> {
            int next = versions.writeNext(pk, draft.name(), version -> List.of(
                    new Put(pk, Keys.version(version), Json.write(draft.withVersion(version)), Condition.ABSENT)));
            ModelVersion registered = draft.withVersion(next);
            return registered;
        });
    }

    public Optional<ModelVersion> find(String name, int version) {
        return table.get(Keys.model(name), Keys.version(version))
                .map(item -> Json.read(item.body(), ModelVersion.class));
    }

    /** @throws ModelNotFoundException when the model or the version does not exist */
    public ModelVersion get(String name, int version) {
        return find(name, version).orElseThrow(() -> new ModelNotFoundException(
                "model '" + name + "' has no version " + version));
    }

    public Optional<ModelVersion> latest(String name) {
        return table.query(Keys.model(name), "V#", true, 1).stream()
                .findFirst().map(item -> Json.read(item.body(), ModelVersion.class));
    }

    /** Versions of one model, oldest first. */
    public List<ModelVersion> versions(String name) {
        return table.query(Keys.model(name), "V#", false, 0).stream()
                .map(item -> Json.read(item.body(), ModelVersion.class)).toList();
    }

    /** Names of every registered model, sorted. */
    public List<String> names() {
        return table.query(Keys.CATALOG, "MODEL#", false, 0).stream()
                .map(item -> item.sk().substring("MODEL#".length())).toList();
    }

    public Optional<ModelAlias> alias(String model, String alias) {
        return table.get(Keys.model(model), ALIAS + alias).map(item -> Json.read(item.body(), ModelAlias.class));
    }

    /** The version an alias points to. @throws ModelNotFoundException when the alias is not assigned */
    public ModelVersion resolve(String model, String alias) {
        ModelAlias current = alias(model, alias).orElseThrow(() -> new ModelNotFoundException(
                "model '" + model + "' has no alias '" + alias + "'"));
        return get(model, current.version());
    }

    /** Every alias of a model. */
    public List<ModelAlias> aliases(String model) {
        return table.query(Keys.model(model), ALIAS, false, 0).stream()
                .map(item -> Json.read(item.body(), ModelAlias.class)).toList();
    }

    /**
     * Moves {@code alias} to {@code toVersion} only if the alias is still at {@code expectedRevision}
     * (0: not assigned yet). The move and its history entry are written atomically.
     *
     * @throws AliasConflictException when someone else moved the alias first
     * @throws ModelNotFoundException when the target version does not exist
     */
    public ModelAlias moveAlias(String model, String alias, long expectedRevision, int toVersion, String reason) {
        return move(model, alias, expectedRevision, toVersion, reason, false);
    }

    private ModelAlias move(String model, String alias, long expectedRevision, int toVersion, String reason,
                            boolean rollback) {
        get(model, toVersion);
        Optional<ModelAlias> current = alias(model, alias);
        long currentRevision = current.map(ModelAlias::revision).orElse(0L);
        if (currentRevision != expectedRevision) {
            throw conflict(model, alias, expectedRevision, currentRevision);
        }
        long revision = expectedRevision + 1;
        var now = clock.instant();
        ModelAlias moved = new ModelAlias(model, alias, toVersion, revision, now, reason);
        AliasMove move = new AliasMove(model, alias, current.map(ModelAlias::version).orElse(null), toVersion,
                revision, now, reason, rollback);
        String pk = Keys.model(model);
        try {
            // The alias item's own revision counts its writes, and so equals the alias revision.
            table.write(List.of(
                    new Put(pk, ALIAS + alias, Json.write(moved), Condition.expecting(expectedRevision)),
                    new Put(pk, ALIAS_LOG + alias + "#" + Keys.pad(revision), Json.write(move), Condition.ABSENT)));
        } catch (ConditionFailedException e) {
            throw conflict(model, alias, expectedRevision, alias(model, alias).map(ModelAlias::revision).orElse(0L));
        }
        return moved;
    }

    /** Moves {@code alias} from wherever it is now; fails if it moves in between. */
    public ModelAlias moveAlias(String model, String alias, int toVersion, String reason) {
        long revision = alias(model, alias).map(ModelAlias::revision).orElse(0L);
        return moveAlias(model, alias, revision, toVersion, reason);
    }

    /** Every move of an alias, oldest first. */
    public List<AliasMove> aliasHistory(String model, String alias) {
        return table.query(Keys.model(model), ALIAS_LOG + alias + "#", false, 0).stream()
                .map(item -> Json.read(item.body(), AliasMove.class)).toList();
    }

    /**
     * Moves {@code alias} back to the version it pointed to before the version it points to now was assigned. The
     * history is walked back, not toggled: after v1 → v2 → v3, a rollback goes to v2 and the next one to v1.
     *
     * @throws ModelNotFoundException when the alias has no earlier version to go back to
     */
    public ModelAlias rollback(String model, String alias, String reason) {
        return rollback(model, alias, null, reason);
    }

    /**
     * Moves {@code alias} back to {@code toVersion}, one of the versions it was assigned before and has not been
     * rolled back past; null means the one before the current one.
     *
     * @throws ModelNotFoundException when there is no such earlier version
     */
    public ModelAlias rollback(String model, String alias, Integer toVersion, String reason) {
        ModelAlias current = alias(model, alias).orElseThrow(() -> new ModelNotFoundException(
                "model '" + model + "' has no alias '" + alias + "' to roll back"));
        List<Integer> earlier = rollbackTargets(model, alias);
        if (toVersion != null && !earlier.contains(toVersion)) {
            throw new ModelNotFoundException("alias '" + alias + "' of model '" + model + "' points to v"
                    + current.version() + " and can roll back to " + (earlier.isEmpty() ? "no earlier version"
                    : earlier.stream().map(v -> "v" + v).toList()) + ", not v" + toVersion
                    + ": to point it at any other version, use promote");
        }
        if (earlier.isEmpty()) {
            throw new ModelNotFoundException("alias '" + alias + "' of model '" + model + "' has no earlier version "
                    + "to go back to (it points to v" + current.version() + ")");
        }
        int target = toVersion != null ? toVersion : earlier.get(earlier.size() - 1);
        return move(model, alias, current.revision(), target, reason, true);
    }

    /** The versions a rollback can go back to, oldest first: the history replayed, rollbacks undoing moves. */
    private List<Integer> rollbackTargets(String model, String alias) {
        java.util.ArrayDeque<Integer> stack = new java.util.ArrayDeque<>();
        for (AliasMove move : aliasHistory(model, alias)) {
            if (move.rollback()) {
                while (!stack.isEmpty() && stack.peekLast() != move.toVersion()) {
                    stack.removeLast();
                }
                if (stack.isEmpty()) {
                    stack.addLast(move.toVersion());
                }
            } else {
                stack.addLast(move.toVersion());
            }
        }
        List<Integer> earlier = new java.util.ArrayList<>(stack);
        if (!earlier.isEmpty()) {
            earlier.remove(earlier.size() - 1);
        }
        return earlier;
    }

    private static AliasConflictException conflict(String model, String alias, long expected, long actual) {
        return new AliasConflictException("alias '" + alias + "' of model '" + model + "' is at revision " + actual
                + ", not " + expected + ": it moved since it was read");
    }
}
