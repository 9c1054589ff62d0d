package dev.flywheel.cli.runtime;

/** Final status of an execution, as Step Functions names them. */
public enum ExecutionStatus {
    SUCCEEDED,
    FAILED,
    TIMED_OUT,
    ABORTED
}
