package dev.flywheel.training.steps;

/** A column of the data that the model does not use, and why (said in every step's output and summary). */
public record LeftOutColumn(String column, String reason) {
}
