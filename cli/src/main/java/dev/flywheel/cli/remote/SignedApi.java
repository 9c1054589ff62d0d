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
        URI uri = base.resolve(path.startsWith("/") ? path.substring(1) : path);
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

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
