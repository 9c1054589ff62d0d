package dev.flywheel.training.steps;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.flywheel.domain.ModelVersion;

/**
 * The outcome of a registry operation. register: model, version, alias "challenger", modelVersion.
 * promote/rollback: model, version, alias
 * "champion", previousVersion (null on the first promotion), revision (the alias revision after the move).
 *
 * @param outcome what happened: {@code registered}, {@code promoted}, {@code superseded} (the champion moved after
 *                the evaluation, so the alias was left alone), {@code rolledBack}, {@code approvalRequested}
 * @param reason  why, in words, for the superseded outcome
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RegisterResult(String model, int version, String alias, ModelVersion modelVersion,
                             @JsonInclude(JsonInclude.Include.ALWAYS) Integer previousVersion, Long revision,
                             String outcome, @JsonInclude(JsonInclude.Include.ALWAYS) String reason) {
    public static final String REGISTERED = "registered";
    public static final String PROMOTED = "promoted";
    public static final String SUPERSEDED = "superseded";
    public static final String ROLLED_BACK = "rolledBack";
    public static final String APPROVAL_REQUESTED = "approvalRequested";
}
