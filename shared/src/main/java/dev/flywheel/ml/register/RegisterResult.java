package dev.flywheel.ml.register;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.flywheel.domain.ModelVersion;

/**
 * register: model, version, alias "challenger", modelVersion. promote/rollback: model, version, alias
 * "champion", previousVersion (null on the first promotion), revision (the alias revision after the move).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RegisterResult(String model, int version, String alias, ModelVersion modelVersion,
                             @JsonInclude(JsonInclude.Include.ALWAYS) Integer previousVersion, Long revision) {
}
