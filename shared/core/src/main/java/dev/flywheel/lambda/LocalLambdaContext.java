package dev.flywheel.lambda;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * The Lambda {@link Context} a handler sees when it runs outside Lambda: invoked in-process by the embedded
 * runtime, or by a test.
 */
public final class LocalLambdaContext implements Context {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(15);
    private static final int DEFAULT_MEMORY_MB = 2048;

    private final String functionName;
    private final String requestId = UUID.randomUUID().toString();
    private final Instant deadline;
    private final int memoryMb;

    /** A context with Lambda's longest timeout and 2 GB of memory. */
    public LocalLambdaContext(String functionName) {
        this(functionName, DEFAULT_TIMEOUT, DEFAULT_MEMORY_MB);
    }

    /** @param timeout the invocation's deadline, from now */
    public LocalLambdaContext(String functionName, Duration timeout, int memoryMb) {
        this.functionName = functionName;
        this.deadline = Instant.now().plus(timeout);
        this.memoryMb = memoryMb;
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + functionName;
    }

    @Override
    public String getLogStreamName() {
        return "local";
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:local:000000000000:function:" + functionName;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
    }

    @Override
    public int getMemoryLimitInMB() {
        return memoryMb;
    }

    @Override
    public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override
            public void log(String message) {
                System.err.print(message);
            }

            @Override
            public void log(byte[] message) {
                System.err.print(new String(message, StandardCharsets.UTF_8));
            }
        };
    }
}
