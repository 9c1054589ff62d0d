package dev.flywheel.registry;

/** No such model, model version or alias. */
public class ModelNotFoundException extends NotFoundException {
    public ModelNotFoundException(String message) {
        super(message);
    }
}
