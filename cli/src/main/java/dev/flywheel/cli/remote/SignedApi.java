package dev.flywheel.cli.remote;

import dev.flywheel.cli.serving.ApiGatewayProxy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * The deployed inference API over HTTPS, each request signed with AWS Signature Version 4 for
 * {@code execute-api} (the API's default IAM authorisation), answering as the local handler does: the same
 * {@link ApiGatewayProxy.Reply}, so {@code predict} prints and checks one shape whichever it talks to.
 */
public final class SignedApi {
    private final URI base;
    private final String region;
    private final AwsCredentialsProvider credentials;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    /** @param base the stack's {@code ApiUrl} output, such as {@code https://abc.execute-api.eu-west-1.amazonaws.com/v1/} */
    public SignedApi(URI base, String region, AwsCredentialsProvider credentials) {
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text : text + "/");
        this.region = region;
        this.credentials = credentials;
    }

    /** Calls {@code method path?query} (path from the API's root, like "/models/x/predict") with a JSON body or none. */
    public ApiGatewayProxy.Reply call(String method, String path, Map<String, String> query, String body) {
        String q = query.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        URI uri = uri(path);
        if (!q.isEmpty()) {
            uri = URI.create(uri + "?" + q);
        }
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        SdkHttpFullRequest.Builder unsigned = SdkHttpFullRequest.builder().uri(uri)
                .method(SdkHttpMethod.fromValue(method)).putHeader("Accept", "application/json");
        if (body != null) {
            unsigned.putHeader("Content-Type", "application/json")
                    .contentStreamProvider(() -> new ByteArrayInputStream(bytes));
        }
        SdkHttpFullRequest request = unsigned.build();
        software.amazon.awssdk.auth.credentials.AwsCredentials identity;
        try {
            identity = credentials.resolveCredentials();
        } catch (software.amazon.awssdk.core.exception.SdkClientException e) {
            throw new IllegalStateException("no AWS credentials to sign the requests with: set AWS_ACCESS_KEY_ID and "
                    + "AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or AWS_PROFILE", e);
        }
        SignedRequest signed = signer.sign(r -> r.identity(identity)
                .request(request)
                .payload(body == null ? null : ContentStreamProvider.fromByteArray(bytes))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        SdkHttpRequest s = signed.request();
        HttpRequest.Builder out = HttpRequest.newBuilder(s.getUri()).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(bytes));
        s.headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(v -> out.header(name, v));
            }
        });
        try {
            HttpResponse<String> response = http.send(out.build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            Map<String, String> headers = new LinkedHashMap<>();
            response.headers().map().forEach((k, v) -> headers.put(k, String.join(",", v)));
            return new ApiGatewayProxy.Reply(response.statusCode(), headers, Map.<String, List<String>>of(),
                    response.body(), false);
        } catch (IOException e) {
            Throwable deepest = e;
            while (deepest.getCause() != null && deepest.getMessage() == null) {
                deepest = deepest.getCause();
            }
            String why = deepest.getMessage() != null ? deepest.getMessage() : deepest.getClass().getSimpleName();
            throw new java.io.UncheckedIOException("cannot reach " + base + ": " + why + " (check the URL: the "
                    + "stack's ApiUrl output)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling " + base, e);
        }
    }

    /** Where {@code path} (from the API's root, like "/models/x") is: under the base URL, stage included. */
    public URI uri(String path) {
        return base.resolve(path.startsWith("/") ? path.substring(1) : path);
    }

    /**
     * What an answer other than 200 means, in one line, when it is not the API's own ({@code {"error": ...}}: a bad
     * row, an unknown model, said by Flywheel's function, whose message is the caller's to place): the HTTP status,
     * the URL called, the start of the body (API Gateway's {@code {"message": ...}}, or the text, at most 200
     * characters) and what to check; null for the API's own errors.
     */
    public String refusal(ApiGatewayProxy.Reply reply, String method, String path) {
        if (!reply.json().path("error").asText("").isBlank()) {
            return null;
        }
        String said = reply.json().path("message").asText("");
        if (said.isBlank()) {
            String body = new String(reply.bodyBytes(), StandardCharsets.UTF_8).strip();
            said = body.startsWith("<") ? body.replaceAll("<[^>]*>", " ") : body;
        }
        said = said.replaceAll("\\s+", " ").strip();
        if (said.length() > 200) {
            said = said.substring(0, 199) + "…";
        }
        int status = reply.status();
        String check = switch (status) {
            case 401, 403 -> "the request's signature was refused: check the AWS credentials, and that the region "
                    + "signed for (" + region + "; --region or AWS_REGION) is the API's";
            case 404 -> "there is no such path: check that --url is the stack's ApiUrl output, stage included "
                    + "(https://ID.execute-api.REGION.amazonaws.com/v1/)";
            case 429 -> "the API is throttling the requests: try again in a moment, or with a smaller --batch";
            default -> status >= 500 ? "the API or its function failed: try again; the function's logs say why"
                    : "check that --url is the stack's ApiUrl output";
        };
        return "the API answered HTTP " + status + " to " + method + " " + uri(path)
                + (said.isEmpty() ? " with an empty body" : ": " + said) + " (" + check + ")";
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
