package dev.flywheel.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.flywheel.domain.InvalidRecordException;
import dev.flywheel.logging.LogContext;
import dev.flywheel.domain.InvalidInputException;
import dev.flywheel.json.RequestJson;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A Lambda handler that reads its event as JSON into {@code I} and writes {@code O} back as JSON, with the
 * project's one Jackson configuration (the runtime's own POJO serializer does not know records). Typed exceptions
 * thrown by {@link #handle} reach Lambda unchanged, so Step Functions sees their class name as the error.
 *
 * @param <I> the request record
 * @param <O> the result record
 */
public abstract class JsonHandler<I, O> implements RequestStreamHandler {
    private final Class<I> requestType;

    protected JsonHandler(Class<I> requestType) {
        this.requestType = requestType;
    }

    /** The function's work: the request in, the result out. */
    protected abstract O handle(I request);

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) {
        I request = RequestJson.read(input, requestType);
        try (LogContext ignored = LogContext.with(LogContext.REQUEST_ID,
                context == null ? null : context.getAwsRequestId())) {
            RequestJson.write(output, handle(request));
        } catch (InvalidRecordException e) {
            // A domain record rejected a value that came from the event: the caller's to fix, and a type the
            // state machine catches.
            throw new InvalidInputException(e.getMessage(), e);
        }
    }
}
