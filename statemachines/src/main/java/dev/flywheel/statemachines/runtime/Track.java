package dev.flywheel.statemachines.runtime;

/**
 * One sequential path of execution (the main path, a Map iteration, a Parallel branch): the id of its last event,
 * which the next event on the path names as its previous one. Written only under the {@link History} lock.
 */
final class Track {
    long lastEventId;

    Track(long lastEventId) {
        this.lastEventId = lastEventId;
    }
}
