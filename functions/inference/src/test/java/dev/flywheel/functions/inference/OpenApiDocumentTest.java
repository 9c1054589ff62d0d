package dev.flywheel.functions.inference;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document the function serves at {@code GET /openapi.json}: valid OpenAPI 3.0 for a real parser, the
 * copy in docs/ identical to it, and in step with the routes {@link InferenceApi} serves, so that a route added
 * without its documentation fails the build.
 */
class OpenApiDocumentTest {
    private static final String RESOURCE = "functions/inference/src/main/resources/openapi.json";
    /** The module is the working directory of the tests. */
    private static final Path DOCS_COPY = Path.of("../../docs/openapi.json");
    private static final String ERROR_SCHEMA = "#/components/schemas/Error";
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}/]+)}");

    private static String served;
    private static SwaggerParseResult parsed;
    private static OpenAPI api;

    @BeforeAll
    static void parse() throws IOException {
        try (InputStream in = InferenceApi.class.getResourceAsStream("/openapi.json")) {
            assertThat(in).as("openapi.json on the function's classpath").isNotNull();
            served = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        parsed = new OpenAPIV3Parser().readContents(served, null, options);
        api = parsed.getOpenAPI();
    }

    @Test
    void isAValidOpenApi30Document() {
        assertThat(parsed.getMessages()).as("what the OpenAPI parser says about " + RESOURCE).isEmpty();
        assertThat(api).as("the parsed document").isNotNull();
        assertThat(api.getOpenapi()).as("the OpenAPI version").startsWith("3.0.");
        assertThat(api.getInfo().getTitle()).isNotBlank();
        assertThat(api.getComponents().getSchemas()).containsKey("Error");
        assertThat(api.getComponents().getSchemas().get("Error").getRequired())
                .containsExactlyInAnyOrder("error", "requestId");
    }

    @Test
    void docsCopyIsTheServedDocument() throws IOException {
        assertThat(DOCS_COPY).as("docs/openapi.json (from the module directory)").isRegularFile();
        String copy = new String(Files.readAllBytes(DOCS_COPY), StandardCharsets.UTF_8);
        assertThat(copy.equals(served))
                .withFailMessage("docs/openapi.json differs from %s (the document the function serves), first at "
                        + "line %d: update it by copying the resource, from the repository's root: cp %s "
                        + "docs/openapi.json", RESOURCE, firstDifferentLine(copy, served), RESOURCE)
                .isTrue();
    }

    @Test
    void documentsExactlyTheRoutesTheApiServes() {
        assertThat(InferenceApi.ROUTES).doesNotHaveDuplicates();
        Set<String> documented = new TreeSet<>();
        api.getPaths().forEach((path, item) -> item.readOperationsMap().keySet()
                .forEach(method -> documented.add(method.name() + " " + path)));
        Set<String> routes = new TreeSet<>(InferenceApi.ROUTES);

        Set<String> undocumented = new TreeSet<>(routes);
        undocumented.removeAll(documented);
        Set<String> notServed = new TreeSet<>(documented);
        notServed.removeAll(routes);
        assertThat(undocumented).as("routes of InferenceApi.ROUTES that " + RESOURCE + " does not document: "
                + "document them there (and copy it to docs/openapi.json)").isEmpty();
        assertThat(notServed).as("operations " + RESOURCE + " documents that InferenceApi.ROUTES does not serve")
                .isEmpty();
        assertThat(documented).isEqualTo(routes);
    }

    @Test
    void everyOperationHasAnIdAndDocumentsItsErrors() {
        List<String> problems = new ArrayList<>();
        Set<String> ids = new TreeSet<>();
        forEachOperation((route, path, item, operation) -> {
            String id = operation.getOperationId();
            if (id == null || id.isBlank()) {
                problems.add(route + " has no operationId");
            } else if (!ids.add(id)) {
                problems.add(route + " repeats the operationId " + id);
            }
            boolean errorDocumented = false;
            for (Map.Entry<String, ApiResponse> e : operation.getResponses().entrySet()) {
                ApiResponse response = resolve(e.getValue());
                if (response.getHeaders() == null || !response.getHeaders().containsKey("X-Request-Id")) {
                    problems.add(route + " " + e.getKey() + " does not declare the X-Request-Id header");
                }
                if (e.getKey().matches("4([0-9][0-9]|XX)") && ERROR_SCHEMA.equals(jsonSchemaRef(response))) {
                    errorDocumented = true;
                }
            }
            if (!errorDocumented) {
                problems.add(route + " documents no 4xx response with the Error schema");
            }
        });
        assertThat(problems).as("operations of " + RESOURCE).isEmpty();
    }

    @Test
    void everyPathParameterIsDeclared() {
        List<String> problems = new ArrayList<>();
        forEachOperation((route, path, item, operation) -> {
            Set<String> inTemplate = new TreeSet<>();
            Matcher m = PATH_PARAMETER.matcher(path);
            while (m.find()) {
                inTemplate.add(m.group(1));
            }
            Set<String> declared = new TreeSet<>();
            List<Parameter> all = new ArrayList<>();
            if (item.getParameters() != null) {
                all.addAll(item.getParameters());
            }
            if (operation.getParameters() != null) {
                all.addAll(operation.getParameters());
            }
            for (Parameter p : all) {
                Parameter parameter = resolve(p);
                if ("path".equals(parameter.getIn())) {
                    declared.add(parameter.getName());
                    if (!Boolean.TRUE.equals(parameter.getRequired())) {
                        problems.add(route + ": path parameter " + parameter.getName() + " is not required");
                    }
                }
            }
            if (!inTemplate.equals(declared)) {
                problems.add(route + " declares the path parameters " + declared + ", its path has " + inTemplate);
            }
        });
        assertThat(problems).as("path parameters of " + RESOURCE).isEmpty();
    }

    private interface OperationVisitor {
        void visit(String route, String path, PathItem item, Operation operation);
    }

    private static void forEachOperation(OperationVisitor visitor) {
        assertThat(api).as("the parsed document").isNotNull();
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) ->
                visitor.visit(method.name() + " " + path, path, item, operation)));
    }

    /** The schema reference of a response's application/json content, or null. */
    private static String jsonSchemaRef(ApiResponse response) {
        if (response.getContent() == null) {
            return null;
        }
        MediaType json = response.getContent().get("application/json");
        Schema<?> schema = json == null ? null : json.getSchema();
        return schema == null ? null : schema.get$ref();
    }

    private static ApiResponse resolve(ApiResponse response) {
        if (response.get$ref() == null) {
            return response;
        }
        ApiResponse target = api.getComponents().getResponses().get(componentName(response.get$ref()));
        assertThat(target).as("the response " + response.get$ref()).isNotNull();
        return target;
    }

    private static Parameter resolve(Parameter parameter) {
        if (parameter.get$ref() == null) {
            return parameter;
        }
        Parameter target = api.getComponents().getParameters().get(componentName(parameter.get$ref()));
        assertThat(target).as("the parameter " + parameter.get$ref()).isNotNull();
        return target;
    }

    private static String componentName(String ref) {
        return ref.substring(ref.lastIndexOf('/') + 1);
    }

    private static int firstDifferentLine(String a, String b) {
        String[] x = a.split("\n", -1);
        String[] y = b.split("\n", -1);
        int i = 0;
        while (i < x.length && i < y.length && x[i].equals(y[i])) {
            i++;
        }
        return i + 1;
    }
}
