package dev.flywheel.statemachines.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.statemachines.runtime.TaskFailedException;
import dev.flywheel.statemachines.runtime.TaskInvoker;
import dev.flywheel.statemachines.runtime.TaskRequest;
import dev.flywheel.json.Json;
import dev.flywheel.lambda.LocalLambdaContext;
import dev.flywheel.logging.WorkProgress;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Function;

/**
 * Runs Task states the way Step Functions runs them on AWS, but in this process: the Lambda integration
 * ({@code arn:aws:states:::lambda:invoke}, also {@code .waitForTaskToken}) and plain Lambda ARNs call the very
 * handler classes deployed to Lambda, passing the payload as JSON bytes in and out. A handler's exception becomes
 * the error Lambda would report: the exception's fully qualified class name as the error, and Lambda's error
 * document ({@code errorMessage}, {@code errorType}, {@code stackTrace}) as the cause.
 */
public final class LocalLambdaInvoker implements TaskInvoker {
    private static final String LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";
    private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(15);

    private final LocalFunctions functions;
    private final Function<String, WorkProgress> progress;

    public LocalLambdaInvoker(LocalFunctions functions) {
        this(functions, step -> WorkProgress.NONE);
    }

    /** @param progress where the step running in a call reports how far it has come, by step label */
    public LocalLambdaInvoker(LocalFunctions functions, Function<String, WorkProgress> progress) {
        this.functions = functions;
        this.progress = progress;
    }

    @Override
    public JsonNode invoke(TaskRequest request) {
        String resource = request.resource();
        if (resource.equals(LAMBDA_INVOKE) || resource.equals(LAMBDA_INVOKE + ".waitForTaskToken")) {
            JsonNode functionName = request.parameters().path("FunctionName");
            if (!functionName.isTextual()) {
                throw new TaskFailedException("States.Runtime",
                        "the lambda:invoke Parameters need a FunctionName string, got " + request.parameters());
            }
            String name = function(functionName.asText());
            JsonNode payload = request.parameters().has("Payload") ? request.parameters().get("Payload")
                    : Json.object();
            ObjectNode result = Json.object();
            result.put("ExecutedVersion", "$LATEST");
            try (WorkProgress.Scope ignored = WorkProgress.listen(progress.apply(step(request.context(), payload)))) {
                result.set("Payload", call(name, payload, request.timeout()));
            }
            result.put("StatusCode", 200);
            return result;
        }
        if (resource.startsWith("arn:aws:lambda:")) {
            return call(function(resource), request.parameters(), request.timeout());
        }
        throw new TaskFailedException("States.TaskFailed", "the local runtime runs Flywheel's Lambda functions only "
                + "(arn:aws:states:::lambda:invoke with FunctionName one of " + functions.substitutions().values()
                + "); it cannot run the resource '" + resource + "'");
    }

    /** The state's name, and the candidate when the payload names one ("Train candidate 2"). */
    private static String step(JsonNode context, JsonNode payload) {
        String state = context.path("State").path("Name").asText("task");
        JsonNode candidate = payload.path("candidate");
        return candidate.isNumber() ? state + " candidate " + candidate.asInt() : state;
    }

    private String function(String functionName) {
        return functions.resolve(functionName).orElseThrow(() -> new TaskFailedException("Lambda.ResourceNotFoundException",
                "Function not found: '" + functionName + "'. The local runtime runs Flywheel's functions, named in a "
                        + "definition by the placeholders " + functions.substitutions().keySet().stream()
                        .map(p -> "${" + p + "}").toList() + "."));
    }

    private JsonNode call(String name, JsonNode payload, Duration timeout) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            byte[] in = Json.mapper().writeValueAsBytes(payload);
            functions.handler(name).handleRequest(new ByteArrayInputStream(in), out,
                    new LocalLambdaContext("flywheel-" + name.toLowerCase(), timeout == null ? DEFAULT_TIMEOUT : timeout, 2048));
        } catch (IOException | RuntimeException e) {
            throw asLambdaError(e);
        }
        byte[] bytes = out.toByteArray();
        return bytes.length == 0 ? com.fasterxml.jackson.databind.node.NullNode.getInstance()
                : Json.tree(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
    }

    static TaskFailedException asLambdaError(Throwable e) {
        ObjectNode document = Json.object();
        document.put("errorMessage", e.getMessage());
        document.put("errorType", e.getClass().getName());
        ArrayNode trace = document.putArray("stackTrace");
        StackTraceElement[] frames = e.getStackTrace();
        for (int i = 0; i < Math.min(frames.length, 10); i++) {
            trace.add(frames[i].toString());
        }
        TaskFailedException failure = new TaskFailedException(e.getClass().getName(), Json.write(document));
        failure.initCause(e);
        return failure;
    }
}
