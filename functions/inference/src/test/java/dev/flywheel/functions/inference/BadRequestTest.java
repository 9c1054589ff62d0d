package dev.flywheel.functions.inference;

import static dev.flywheel.functions.inference.ApiCalls.call;
import static dev.flywheel.functions.inference.ApiCalls.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flywheel.config.ServingConfig;
import dev.flywheel.domain.MlTask;
import dev.flywheel.json.Json;
import dev.flywheel.serving.online.InferenceService;
import dev.flywheel.testing.LambdaEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of bad request gets its 4xx and a JSON error that names the problem; never a 500. */
class BadRequestTest {
    @TempDir
    static Path home;
    @TempDir
    static Path uploads;
    static ServedModelFixture fixture;
    static InferenceHandler handler;
    static String predict;
    static Map<String, Object> good;

    @BeforeAll
    static void serve() {
        fixture = ServedModelFixture.train(home, uploads, "credit", MlTask.BINARY, 1);
        handler = new InferenceHandler(new InferenceService(fixture.stores, Clock.systemUTC(),
                ServingConfig.defaults().withMaxInstances(50).withCapture(0, 10, 60)), null);
        predict = "/models/credit/predict";
        good = fixture.jsonRows().get(0);
    }

    @AfterAll
    static void close() {
        handler.api().service().close();
        fixture.close();
    }

    static Map<String, Object> with(String feature, Object value) {
        Map<String, Object> row = new LinkedHashMap<>(good);
        row.put(feature, value);
        return row;
    }

    static Map<String, Object> without(String feature) {
        Map<String, Object> row = new LinkedHashMap<>(good);
        row.remove(feature);
        return row;
    }

    static String instances(Object... rows) {
        return Json.write(Map.of("instances", List.of(rows)));
    }

    static Stream<Arguments> badPredictBodies() {
        List<Map<String, Object>> many = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            many.add(good);
        }
        String deep = "[".repeat(5000) + "]".repeat(5000);
        return Stream.of(
                Arguments.of("not JSON", "instances: x0=1", 400, "not valid JSON"),
                Arguments.of("truncated JSON", "{\"instances\": [{\"x0\": 1", 400, "not valid JSON"),
                Arguments.of("a JSON array", "[{\"x0\": 1}]", 400, "must be a JSON object"),
                Arguments.of("a JSON string", "\"hello\"", 400, "must be a JSON object"),
                Arguments.of("trailing garbage", "{\"instances\": []} {}", 400, "there is more after the JSON object"),
                Arguments.of("duplicate field", "{\"instances\": [], \"instances\": []}", 400, "Duplicate field"),
                Arguments.of("no instances", "{\"rows\": []}", 400, "has no \"instances\""),
                Arguments.of("instances not an array", "{\"instances\": {\"x0\": 1}}", 400, "must be an array"),
                Arguments.of("empty batch", "{\"instances\": []}", 400, "\"instances\" is empty"),
                Arguments.of("batch over the limit", Json.write(Map.of("instances", many)), 400,
                        "51 instances; the limit is 50"),
                Arguments.of("instance not an object", "{\"instances\": [[1, 2]]}", 400,
                        "instances[0] must be an object"),
                Arguments.of("missing feature", instances(good, without("x1")), 400,
                        "instances[1] lacks the feature 'x1'"),
                Arguments.of("unknown feature", instances(with("colour", "red")), 400,
                        "unknown feature 'colour'"),
                Arguments.of("the target", instances(with("target", "1")), 400, "the model's target"),
                Arguments.of("text for a number", instances(with("x0", "abc")), 400,
                        "instances[0].x0 must be a number"),
                Arguments.of("object for a number", instances(with("x0", Map.of("v", 1))), 400,
                        "instances[0].x0 must be a number"),
                Arguments.of("array for a category", instances(with("c0", List.of("a"))), 400,
                        "instances[0].c0 must be a text, a number or a boolean"),
                Arguments.of("NaN", "{\"instances\": [{\"x0\": NaN}]}", 400, "NaN and Infinity are not JSON numbers"),
                Arguments.of("Infinity", "{\"instances\": [{\"x0\": -Infinity}]}", 400,
                        "NaN and Infinity are not JSON numbers"),
                Arguments.of("number past float range", instances(with("x0", 1e39)), 400, "out of range"),
                Arguments.of("number past double range",
                        Json.write(Map.of("instances", List.of(good))).replaceFirst("\"x0\":[^,}]+", "\"x0\":1e400"),
                        400, "out of range"),
                Arguments.of("pathological nesting", "{\"instances\": " + deep + "}", 400,
                        "nested deeper than 16 levels"),
                Arguments.of("huge text", instances(with("c0", "x".repeat(5000))), 400, "the limit is 1024"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPredictBodies")
    void badPredictRequest_getsAClientErrorNamingTheProblem(String what, String body, int status, String message) {
        ApiCalls.Response r = post(handler, predict, body);
        assertThat(r.status()).as(r.rawBody()).isEqualTo(status);
        assertThat(r.error()).as(what).contains(message);
        assertThat(r.body().path("requestId").asText()).isNotBlank();
        assertThat(r.rawBody()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("com.fasterxml")
                .doesNotContain("REDACTED").doesNotContain("StreamRead");
    }

    @Test
    void nonJsonBody_isRefusedWhateverTheContentTypeSays() {
        ObjectNode event = (ObjectNode) Json.tree(ApiCalls.event("POST", predict, null, "<xml>1</xml>"));
        ((ObjectNode) event.get("headers")).put("Content-Type", "application/json");
        assertThat(ApiCalls.send(handler, Json.write(event)).status()).isEqualTo(400);
        ((ObjectNode) event.get("headers")).put("Content-Type", "text/plain");
        event.put("body", instances(good));
        assertThat(ApiCalls.send(handler, Json.write(event)).status()).as("a JSON body is read as JSON").isEqualTo(200);
    }

    @Test
    void bodyOverTheSizeLimit_is413() {
        String big = "{\"instances\": [], \"padding\": \"" + "x".repeat(ServingConfig.API_GATEWAY_MAX_BODY_BYTES)
                + "\"}";
        ApiCalls.Response r = post(handler, predict, big);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.error()).contains("the limit is " + ServingConfig.API_GATEWAY_MAX_BODY_BYTES);
    }

    @Test
    void base64Bodies_areDecoded_andInvalidBase64IsRefused() {
        ObjectNode event = (ObjectNode) Json.tree(ApiCalls.event("POST", predict, null,
                Base64.getEncoder().encodeToString(instances(good).getBytes(StandardCharsets.UTF_8))));
        event.put("isBase64Encoded", true);
        assertThat(ApiCalls.send(handler, Json.write(event)).status()).isEqualTo(200);
        event.put("body", "%%%not base64");
        ApiCalls.Response r = ApiCalls.send(handler, Json.write(event));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).contains("not valid base64");
    }

    @Test
    void emptyBody_is400() {
        assertThat(post(handler, predict, null).error()).contains("no body");
        assertThat(post(handler, predict, "  ").status()).isEqualTo(400);
    }

    static Stream<Arguments> badTargets() {
        return Stream.of(
                Arguments.of("POST", "/models/nope/predict", null, 404, "model 'nope'"),
                Arguments.of("POST", "/models/credit/predict", Map.of("version", "9"), 404, "has no version 9"),
                Arguments.of("POST", "/models/credit/predict", Map.of("version", "x"), 400, "version must be"),
                Arguments.of("POST", "/models/credit/predict", Map.of("version", "0"), 400, "version must be"),
                Arguments.of("POST", "/models/credit/predict", Map.of("version", "1", "alias", "champion"), 400,
                        "not both"),
                Arguments.of("POST", "/models/credit/predict", Map.of("alias", "bad alias!"), 400, "alias must be"),
                Arguments.of("POST", "/models/bad%20name/predict", null, 400, "model name 'bad name' is not valid"),
                Arguments.of("GET", "/models/nope", null, 404, "model 'nope'"),
                Arguments.of("POST", "/v2/models/credit/versions/7/infer", null, 404, "has no version 7"),
                Arguments.of("GET", "/v2/models/nope", null, 404, "model 'nope'"),
                Arguments.of("GET", "/nowhere", null, 404, "no route GET /nowhere"),
                Arguments.of("GET", "/models/credit/predict", null, 405, "use POST"),
                Arguments.of("DELETE", "/models/credit", null, 405, "use GET"));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("badTargets")
    void unknownModelVersionOrRoute_isA4xx(String method, String path, Map<String, String> query, int status,
                                           String message) {
        ApiCalls.Response r = call(handler, method, path, query, method.equals("POST") ? instances(good) : null);
        assertThat(r.status()).as(r.rawBody()).isEqualTo(status);
        assertThat(r.error()).contains(message);
        if (status == 405) {
            assertThat(r.headers().path("Allow").asText()).isNotBlank();
        }
    }

    static Stream<Arguments> badInferBodies() {
        Map<String, Object> x0 = Map.of("name", "x0", "datatype", "FP64", "shape", List.of(2), "data", List.of(1, 2));
        return Stream.of(
                Arguments.of("no inputs", "{\"id\": \"a\"}", "needs \"inputs\""),
                Arguments.of("bad datatype", Json.write(Map.of("inputs", List.of(Map.of("name", "x0", "datatype",
                        "FP128", "shape", List.of(1), "data", List.of(1))))), "datatype 'FP128'"),
                Arguments.of("shape and data disagree", Json.write(Map.of("inputs", List.of(Map.of("name", "x0",
                        "datatype", "FP64", "shape", List.of(3), "data", List.of(1, 2))))), "shape [3] but 2 values"),
                Arguments.of("inputs of different lengths", Json.write(Map.of("inputs", List.of(x0, Map.of("name",
                        "x1", "datatype", "FP64", "shape", List.of(1), "data", List.of(1))))), "every input needs"),
                Arguments.of("text in a number tensor", Json.write(Map.of("inputs", List.of(Map.of("name", "x0",
                        "datatype", "FP64", "shape", List.of(1), "data", List.of("a"))))), "is FP64 but data[0]"),
                Arguments.of("a feature missing", Json.write(Map.of("inputs", List.of(x0))), "has no input 'x1'"),
                Arguments.of("unknown input", Json.write(Map.of("inputs", List.of(Map.of("name", "zzz",
                        "datatype", "FP64", "shape", List.of(1), "data", List.of(1))))), "the request has an unknown feature 'zzz'"),
                Arguments.of("the target as an input", Json.write(Map.of("inputs", List.of(Map.of("name", "target",
                        "datatype", "BYTES", "shape", List.of(1), "data", List.of("yes"))))),
                        "the request has 'target', the model's target"),
                Arguments.of("no rows", Json.write(Map.of("inputs", List.of(Map.of("name", "x0", "datatype", "FP64",
                        "shape", List.of(0), "data", List.of())))), "the inputs' rows are empty"),
                Arguments.of("fractional shape", Json.write(Map.of("inputs", List.of(Map.of("name", "x0",
                        "datatype", "FP64", "shape", List.of(1.5), "data", List.of(1))))), "shape [N] or [N, 1]"),
                Arguments.of("text for a number, named by input and row", Json.write(Map.of("inputs", List.of(
                        Map.of("name", "c0", "datatype", "BYTES", "shape", List.of(1), "data", List.of("a")),
                        Map.of("name", "x0", "datatype", "BOOL", "shape", List.of(1), "data", List.of(true))))),
                        "input 'x0' data[0] must be a number"),
                Arguments.of("fraction in an INT64 tensor", Json.write(Map.of("inputs", List.of(Map.of("name", "x0",
                        "datatype", "INT64", "shape", List.of(1), "data", List.of(1.5))))),
                        "is INT64 but data[0] is the number 1.5"),
                Arguments.of("2-D shape", Json.write(Map.of("inputs", List.of(Map.of("name", "x0",
                        "datatype", "FP64", "shape", List.of(1, 3), "data", List.of(1, 2, 3))))), "shape [N] or [N, 1]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInferBodies")
    void badOpenInferenceRequest_is400(String what, String body, String message) {
        ApiCalls.Response r = post(handler, "/v2/models/credit/infer", body);
        assertThat(r.status()).as(r.rawBody()).isEqualTo(400);
        assertThat(r.error()).as(what).contains(message);
    }

    static Stream<Arguments> badFeedback() {
        return Stream.of(
                Arguments.of("no requestId", "{\"label\": \"1\"}", "requestId must be"),
                Arguments.of("a label that is not a class", "{\"requestId\": \"r1\", \"label\": \"maybe\"}",
                        "is not one of the model's classes"),
                Arguments.of("no label", "{\"requestId\": \"r1\"}", "label must be one of"),
                Arguments.of("negative index", "{\"requestId\": \"r1\", \"index\": -1, \"label\": \"1\"}",
                        "index must be"),
                Arguments.of("empty batch", "{\"feedback\": []}", "is empty"),
                Arguments.of("bad item in a batch", "{\"feedback\": [{\"requestId\": \"r1\", \"label\": \"yes\"}, 5]}",
                        "feedback[1]: each feedback item must be an object"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFeedback")
    void badFeedback_is400(String what, String body, String message) {
        ApiCalls.Response r = post(handler, "/models/credit/feedback", body);
        assertThat(r.status()).as(r.rawBody()).isEqualTo(400);
        assertThat(r.error()).as(what).contains(message);
    }

    @Test
    void anEventThatIsNotAProxyEvent_is400() {
        String response = LambdaEvents.invokeRaw(handler, "[1,2,3]".getBytes(StandardCharsets.UTF_8));
        assertThat(Json.tree(response).path("statusCode").asInt()).isEqualTo(400);
    }
}
