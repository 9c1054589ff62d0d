package dev.flywheel.serving;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * One model output. Classification: {@code label} and {@code probabilities} (class to probability, in class
 * order); regression: {@code value}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Prediction(String label, Map<String, Double> probabilities, Double value) {
}
