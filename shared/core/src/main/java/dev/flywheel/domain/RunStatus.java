package dev.flywheel.domain;

public enum RunStatus {
    RUNNING,
    FINISHED,
    FAILED;

    public boolean isTerminal() {
        return this != RUNNING;
    }
}
