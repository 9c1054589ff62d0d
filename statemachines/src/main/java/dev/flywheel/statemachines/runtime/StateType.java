package dev.flywheel.statemachines.runtime;

/** The state types of the Amazon States Language. */
public enum StateType {
    TASK("Task"),
    PASS("Pass"),
    CHOICE("Choice"),
    WAIT("Wait"),
    SUCCEED("Succeed"),
    FAIL("Fail"),
    MAP("Map"),
    PARALLEL("Parallel");

    private final String aslName;

    StateType(String aslName) {
        this.aslName = aslName;
    }

    /** The name used in {@code "Type"} and in history event types ({@code TaskStateEntered}). */
    public String aslName() {
        return aslName;
    }

    static StateType fromAsl(String name) {
        for (StateType t : values()) {
            if (t.aslName.equals(name)) {
                return t;
            }
        }
        return null;
    }
}
