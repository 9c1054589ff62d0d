package dev.flywheel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.flywheel.json.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flywheel predict --url}: the deployed API over HTTP, every request signed with SigV4 for execute-api in the
 * given region with the caller's credentials, answers printed as the local path prints them. A local server stands
 * in for API Gateway (it cannot check the signature's value, only that each request carries one, well formed).
 */
class PredictUrlTest {
    private static final Pattern AUTHORIZATION = Pattern.compile("AWS4-HMAC-SHA256 Credential=AKIDFLYWHEELTEST/"
            + "\\d{8}/eu-west-1/execute-api/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*x-amz-date[a-z0-9;-]*, "
            + "Signature=[0-9a-f]{64}");

    @TempDir
    Path files;
    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        System.setProperty("aws.accessKeyId", "AKIDFLYWHEELTEST");
        System.setProperty("aws.secretAccessKey", "secret");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/", this::answer);
        server.createContext("/flaky/", this::failBatches);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    private void answer(HttpExchange exchange) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String path = exchange.getRequestURI().getPath();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + authorization);
        String reply;
        int status = 200;
        if (authorization == null || !AUTHORIZATION.matcher(authorization).matches()) {
            status = 403;
            reply = "{\"message\":\"Missing Authentication Token\"}";
        } else if (path.equals("/v1/models/m")) {
            reply = "{\"model\":\"m\",\"version\":3,\"alias\":\"champion\",\"task\":\"binary\",\"target\":\"y\","
                    + "\"classes\":[\"no\",\"yes\"],\"inputs\":[{\"name\":\"x\",\"type\":\"numeric\"}]}";
        } else {
            int n = Json.tree(body).path("instances").size();
            StringBuilder p = new StringBuilder("{\"model\":\"m\",\"version\":3,\"requestId\":\"r\",\"predictions\":[");
            for (int i = 0; i < n; i++) {
                p.append(i == 0 ? "" : ",").append("{\"label\":\"yes\",\"probabilities\":{\"no\":0.25,\"yes\":0.75}}");
            }
            reply = p.append("]}").toString();
        }
        byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    /** The model described, and every batch answered 502 with an empty body (a gateway in front of nothing). */
    private void failBatches(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        if (exchange.getRequestMethod().equals("GET")) {
            byte[] bytes = ("{\"model\":\"m\",\"version\":3,\"task\":\"binary\",\"target\":\"y\","
                    + "\"classes\":[\"no\",\"yes\"],\"inputs\":[{\"name\":\"x\",\"type\":\"numeric\"}]}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
        } else {
            exchange.sendResponseHeaders(502, -1);
        }
        exchange.close();
    }

    @Test
    void anAnswerThatIsNotTheApis_saysTheStatus_theUrlCalled_whatItSaid_andWhatToCheck() throws IOException {
        Path data = Files.writeString(files.resolve("rows.csv"), "x\n1\n");
        String root = "http://127.0.0.1:" + server.getAddress().getPort() + "/";

        // No stage in the URL: the server's own 404 page (text/html), not the API's JSON.
        CliRunner.Result noStage = CliRunner.run("predict", "m", "--data", data.toString(), "--url", root,
                "--region", "eu-west-1");
        assertThat(noStage.exitCode()).isEqualTo(1);
        assertThat(noStage.err().strip()).hasLineCount(1).isEqualTo("flywheel: the API answered HTTP 404 to GET "
                + root + "models/m: 404 Not Found No context found for request (there is no such path: check that "
                + "--url is the stack's ApiUrl output, stage included (https://ID.execute-api.REGION.amazonaws.com/v1/))");

        // Signed for another region: API Gateway's 403, {"message": ...}.
        CliRunner.Result refused = CliRunner.run("predict", "m", "--data", data.toString(), "--url", root + "v1/",
                "--region", "us-east-1");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err().strip()).hasLineCount(1).isEqualTo("flywheel: the API answered HTTP 403 to GET "
                + root + "v1/models/m: Missing Authentication Token (the request's signature was refused: check the "
                + "AWS credentials, and that the region signed for (us-east-1; --region or AWS_REGION) is the API's)");

        // A batch answered with an empty body.
        CliRunner.Result batch = CliRunner.run("predict", "m", "--data", data.toString(), "--url", root + "flaky/",
                "--region", "eu-west-1");
        assertThat(batch.exitCode()).isEqualTo(1);
        assertThat(batch.err().strip()).hasLineCount(1).isEqualTo("flywheel: the API answered HTTP 502 to POST "
                + root + "flaky/models/m/predict with an empty body (the API or its function failed: try again; the "
                + "function's logs say why)");
    }

    @Test
    void aLongAnswer_isCutToOneLineOf200Characters() throws IOException {
        server.createContext("/long/", exchange -> {
            byte[] bytes = ("<html>\n<body>\n" + "gateway says no\n".repeat(40) + "</body></html>")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(400, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        Path data = Files.writeString(files.resolve("rows.csv"), "x\n1\n");
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/long/";

        CliRunner.Result result = CliRunner.run("predict", "m", "--data", data.toString(), "--url", url,
                "--region", "eu-west-1");

        assertThat(result.exitCode()).isEqualTo(1);
        String said = result.err().strip();
        assertThat(said).hasLineCount(1).startsWith("flywheel: the API answered HTTP 400 to GET " + url
                + "models/m: gateway says no gateway says no").contains("…").endsWith("(check that --url is the "
                + "stack's ApiUrl output)");
        String snippet = said.substring(said.indexOf("models/m: ") + "models/m: ".length(), said.lastIndexOf(" (check"));
        assertThat(snippet).hasSize(200);
    }

    @Test
    void scoresAFileThroughTheDeployedApi_signingEveryRequest() throws IOException {
        Path data = files.resolve("rows.csv");
        Files.writeString(data, "x,y\n1.5,yes\n2,no\n3,yes\n");
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/";

        CliRunner.Result result = CliRunner.run("predict", "m", "--data", data.toString(), "--url", url,
                "--region", "eu-west-1", "--batch", "2", "--json");

        assertThat(result.exitCode()).as(result.err() + requests).isZero();
        List<JsonNode> lines = result.out().lines().map(Json::tree).toList();
        assertThat(lines).hasSize(3).allSatisfy(line -> {
            assertThat(line.path("label").asText()).isEqualTo("yes");
            assertThat(line.path("version").asInt()).isEqualTo(3);
        });
        assertThat(requests).hasSize(3);
        assertThat(requests.get(0)).startsWith("GET /v1/models/m AWS4-HMAC-SHA256");
        assertThat(requests.get(1)).startsWith("POST /v1/models/m/predict?version=3 AWS4-HMAC-SHA256");
        assertThat(requests).allSatisfy(r -> assertThat(AUTHORIZATION.matcher(r.substring(r.indexOf("AWS4"))).matches())
                .as(r).isTrue());
    }

    @Test
    void aRefusedRequestIsAFailureThatSaysWhatTheApiSaid() throws IOException {
        Path data = files.resolve("rows.csv");
        Files.writeString(data, "x\n1\n");
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/";

        CliRunner.Result result = CliRunner.run("predict", "m", "--data", data.toString(), "--url", url,
                "--region", "us-east-1");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("Missing Authentication Token").doesNotContain("Exception");
    }

    @Test
    void noCredentialsIsOneLineThatSaysWhatToSet() throws IOException {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        Path data = files.resolve("rows.csv");
        Files.writeString(data, "x\n1\n");
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/";

        CliRunner.Result result = CliRunner.run("predict", "m", "--data", data.toString(), "--url", url,
                "--region", "eu-west-1");

        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("AWS_ACCESS_KEY_ID") == null
                && System.getenv("AWS_PROFILE") == null, "this machine has AWS credentials in its environment");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err().strip()).startsWith("flywheel: no AWS credentials to sign the requests with")
                .doesNotContain("AwsCredentialsProviderChain").hasLineCount(1);
        assertThat(requests).isEmpty();
    }
}
