package dev.flywheel.domain;

/** One value of a metric at a step (a boosting round, an epoch). */
public record MetricPoint(long step, double value) {
}
