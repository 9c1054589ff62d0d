package dev.flywheel.registry;

/** A dataset, model, version, alias, run, report or execution that was asked for does not exist. */
public class NotFoundException extends RuntimeException {
    public NotFoundException(String message) {
        super(message);
    }
}
