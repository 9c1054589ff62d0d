package dev.flywheel.statemachines.runtime;

/** Unwinds a cancelled Map iteration or Parallel branch; never escapes the interpreter. */
final class ScopeCancelledException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ScopeCancelledException() {
        super("cancelled", null, false, false);
    }
}
