package dev.flywheel.registry;

/**
 * Partition and sort keys of the single metadata table; {@code docs/dynamodb.md} documents each one with the
 * access pattern it serves. Numbers are zero-padded so that sort keys order like the numbers.
 */
final class Keys {
    static final String CATALOG = "CATALOG";
    static final String COUNTER = "COUNTER";

    private Keys() {
    }

    static String dataset(String name) {
        return "DATASET#" + name;
    }

    static String model(String name) {
        return "MODEL#" + name;
    }

    static String run(String id) {
        return "RUN#" + id;
    }

    static String experiment(String name) {
        return "EXPERIMENT#" + name;
    }

    static String execution(String id) {
        return "EXECUTION#" + id;
    }

    static String taskToken(String token) {
        return "TASKTOKEN#" + token;
    }

    static String drift(String model) {
        return "DRIFT#" + model;
    }

    static String driftReport(String id) {
        return "DRIFTREPORT#" + id;
    }

    static String version(long version) {
        return "V#" + pad(version);
    }

    static String pad(long number) {
        return String.format("%010d", number);
    }
}
