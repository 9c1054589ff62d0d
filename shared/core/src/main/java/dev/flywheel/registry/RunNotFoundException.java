package dev.flywheel.registry;

/** No run with that id. */
public class RunNotFoundException extends NotFoundException {
    public RunNotFoundException(String id) {
        super("no run with id '" + id + "'");
    }
}
