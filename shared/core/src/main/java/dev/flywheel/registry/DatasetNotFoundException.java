package dev.flywheel.registry;

/** No such dataset or dataset version. */
public class DatasetNotFoundException extends NotFoundException {
    public DatasetNotFoundException(String message) {
        super(message);
    }
}
