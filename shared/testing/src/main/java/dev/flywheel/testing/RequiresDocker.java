package dev.flywheel.testing;

import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Disables a test class where no Docker engine answers, and says so once on the console (the test report only
 * counts it as "Skipped"), instead of Testcontainers' own ERROR lines.
 */
public final class RequiresDocker implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (context.getTestMethod().isPresent()) {
            return ConditionEvaluationResult.enabled("decided for the class");
        }
        Optional<String> reason = Docker.unavailableReason();
        if (reason.isEmpty() && !DockerClientFactory.instance().isDockerAvailable()) {
            reason = Optional.of("no Docker engine answers");
        }
        if (reason.isPresent()) {
            String why = "skipped " + context.getDisplayName() + ": " + reason.get()
                    + "; it runs where Docker does";
            System.out.println("[INFO] " + why);
            return ConditionEvaluationResult.disabled(why);
        }
        return ConditionEvaluationResult.enabled("Docker is available");
    }
}
