package dev.flywheel.statemachines.runtime;

/** A state machine definition that is not valid Amazon States Language (JSONPath flavour), with the reason. */
public final class InvalidDefinitionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidDefinitionException(String message) {
        super(message);
    }

    public InvalidDefinitionException(String message, Throwable cause) {
        super(message, cause);
    }
}
