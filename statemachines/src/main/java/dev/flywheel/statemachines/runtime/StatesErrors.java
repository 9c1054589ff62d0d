package dev.flywheel.statemachines.runtime;

/** The predefined error names of the Amazon States Language. */
public final class StatesErrors {
    public static final String ALL = "States.ALL";
    public static final String TASK_FAILED = "States.TaskFailed";
    public static final String TIMEOUT = "States.Timeout";
    public static final String HEARTBEAT_TIMEOUT = "States.HeartbeatTimeout";
    public static final String RUNTIME = "States.Runtime";
    public static final String NO_CHOICE_MATCHED = "States.NoChoiceMatched";
    public static final String INTRINSIC_FAILURE = "States.IntrinsicFailure";
    public static final String RESULT_PATH_MATCH_FAILURE = "States.ResultPathMatchFailure";
    public static final String PARAMETER_PATH_FAILURE = "States.ParameterPathFailure";
    public static final String BRANCH_FAILED = "States.BranchFailed";
    public static final String EXCEED_TOLERATED_FAILURE_THRESHOLD = "States.ExceedToleratedFailureThreshold";
    public static final String DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded";
    public static final String PERMISSIONS = "States.Permissions";
    /** A distributed Map state's ItemReader could not read its items (no such bucket or key, not a JSON array...). */
    public static final String ITEM_READER_FAILED = "States.ItemReaderFailed";

    private StatesErrors() {
    }

    /**
     * Whether an {@code ErrorEquals} entry matches an error, per the Step Functions error handling rules:
     * {@code States.ALL} matches every error except {@code States.Runtime} (a terminal error that no Retry or Catch
     * can handle); {@code States.TaskFailed} matches every error except {@code States.Timeout} and that one; anything
     * else matches by exact, case-sensitive name.
     *
     * <p>{@code States.DataLimitExceeded} is matched like any other name here because AWS raises it in two ways: as a
     * task failure when a task's result is too large (recorded against AWS, a Catch on {@code States.ALL} or on the
     * name handles it, although the Developer Guide calls the error terminal), and as a terminal error when a
     * state's own input or output is too large, which the interpreter never offers to Retry or Catch at all.
     */
    public static boolean matches(String errorEquals, String error) {
        if (isTerminal(error)) {
            return false;
        }
        if (ALL.equals(errorEquals)) {
            return true;
        }
        if (TASK_FAILED.equals(errorEquals)) {
            return !TIMEOUT.equals(error);
        }
        return errorEquals.equals(error);
    }

    /** Errors that always fail the execution, whatever Retry or Catch say, by their name alone. */
    public static boolean isTerminal(String error) {
        return RUNTIME.equals(error);
    }
}
