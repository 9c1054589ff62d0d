package dev.flywheel.infra;

import java.util.Objects;

import software.amazon.awscdk.Duration;

/**
 * Size of one pipeline function.
 *
 * @param memoryMb memory in MB (128 to 10240); Lambda gives CPU in proportion, so the train function gets the
 *                 most
 * @param timeout  how long one invocation may run (Lambda's limit is 15 minutes)
 */
public record FunctionSettings(int memoryMb, Duration timeout) {

    public FunctionSettings {
        if (memoryMb < 128 || memoryMb > 10_240) {
            throw new IllegalArgumentException("memoryMb must be between 128 and 10240, got " + memoryMb);
        }
        Objects.requireNonNull(timeout, "timeout");
        double seconds = timeout.toSeconds().doubleValue();
        if (seconds < 1 || seconds > 900) {
            throw new IllegalArgumentException("timeout must be between 1 second and 15 minutes, got "
                    + seconds + " s");
        }
    }

    /** The size Flywheel deploys a function ({@link PipelineFunctions#NAMES}) with unless told otherwise. */
    public static FunctionSettings defaultsFor(String functionName) {
        return switch (functionName) {
            case "train" -> new FunctionSettings(3008, Duration.minutes(15));
            case "preprocess", "evaluate" -> new FunctionSettings(2048, Duration.minutes(5));
            case "ingest", "register" -> new FunctionSettings(1024, Duration.minutes(5));
            // a few DynamoDB reads and writes each; requestApproval only records the task token and returns, the
            // execution (not the function) waits for the answer; failRuns' state times out after 60 s anyway
            case "promote", "rollback", "requestApproval", "failRuns" ->
                    new FunctionSettings(512, Duration.seconds(60));
            // a batch of capture objects streamed through window sketches; the merge also joins feedback (up to
            // 200,000 labels held) and may export the retraining data
            case "driftProfile" -> new FunctionSettings(1024, Duration.minutes(5));
            case "driftScore", "driftDecide" -> new FunctionSettings(2048, Duration.minutes(15));
            case "driftPlan", "driftOutcome" -> new FunctionSettings(512, Duration.minutes(2));
            default -> throw new IllegalArgumentException("unknown function '" + functionName
                    + "'; expected one of " + PipelineFunctions.NAMES);
        };
    }
}
