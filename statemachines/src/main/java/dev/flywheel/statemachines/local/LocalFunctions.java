package dev.flywheel.statemachines.local;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Flywheel's Lambda functions as the embedded runtime knows them: a name, the ARN that stands for it in local
 * state machine definitions, and how to build its handler (once, like a Lambda cold start, on first use).
 */
public final class LocalFunctions {
    static final String ARN_PREFIX = "arn:aws:lambda:local:000000000000:function:flywheel-";

    private final Map<String, Supplier<RequestStreamHandler>> factories = new LinkedHashMap<>();
    private final Map<String, RequestStreamHandler> started = new java.util.concurrent.ConcurrentHashMap<>();

    /** Registers a function; {@code name} is the placeholder stem, e.g. "Ingest" for {@code ${IngestFunctionArn}}. */
    public LocalFunctions add(String name, Supplier<RequestStreamHandler> factory) {
        factories.put(name, factory);
        return this;
    }

    public static String arn(String name) {
        return ARN_PREFIX + name.toLowerCase();
    }

    /** {@code ${IngestFunctionArn}} to the local ARN, for every registered function. */
    public Map<String, String> substitutions() {
        Map<String, String> substitutions = new LinkedHashMap<>();
        factories.keySet().forEach(name -> substitutions.put(name + "FunctionArn", arn(name)));
        return substitutions;
    }

    /** The function a FunctionName (local ARN, or a bare name) refers to, if it is one of ours. */
    Optional<String> resolve(String functionName) {
        for (String name : factories.keySet()) {
            String arn = arn(name);
            if (functionName.equals(arn) || functionName.startsWith(arn + ":") || functionName.equalsIgnoreCase(name)
                    || functionName.equals("flywheel-" + name.toLowerCase())) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    RequestStreamHandler handler(String name) {
        return started.computeIfAbsent(name, n -> factories.get(n).get());
    }
}
