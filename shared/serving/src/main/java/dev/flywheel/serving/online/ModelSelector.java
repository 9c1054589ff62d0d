package dev.flywheel.serving.online;

import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.domain.ModelAlias;

/**
 * Which version of a model a request wants: an alias (the champion by default) or a pinned version number.
 *
 * @param alias   the alias, or null when a version is pinned
 * @param version the pinned version, or 0 when an alias is used
 */
public record ModelSelector(String alias, int version) {
    private static final java.util.regex.Pattern ALIAS = java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");

    public static ModelSelector champion() {
        return new ModelSelector(ModelAlias.CHAMPION, 0);
    }

    public static ModelSelector alias(String alias) {
        if (alias == null || !ALIAS.matcher(alias).matches()) {
            throw new InvalidInputException("alias must be a name like 'champion' or 'challenger', got '" + alias + "'");
        }
        return new ModelSelector(alias, 0);
    }

    public static ModelSelector version(int version) {
        if (version < 1) {
            throw new InvalidInputException("version must be a whole number from 1, got " + version);
        }
        return new ModelSelector(null, version);
    }

    /**
     * From a request's {@code version} and {@code alias} parameters (either may be null; not both set).
     *
     * @throws InvalidInputException naming the parameter that is wrong
     */
    public static ModelSelector of(String versionText, String aliasText) {
        if (versionText != null && aliasText != null) {
            throw new InvalidInputException("give either version or alias, not both");
        }
        if (versionText != null) {
            String text = versionText.trim();
            if (!text.matches("[0-9]{1,9}")) {
                throw new InvalidInputException("version must be a whole number from 1, got '" + versionText + "'");
            }
            return version(Integer.parseInt(text));
        }
        return aliasText == null ? champion() : alias(aliasText.trim());
    }

    public boolean pinned() {
        return alias == null;
    }

    @Override
    public String toString() {
        return pinned() ? "v" + version : alias;
    }
}
