package dev.flywheel.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.IAlias;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineFunctionsTest {

    private Stack stack;
    private DataStore dataStore;
    private PipelineFunctions functions;
    private Template template;

    @BeforeAll
    void synthesize() {
        stack = new Stack(new App(), "PipelineFunctionsTest");
        dataStore = new DataStore(stack, "DataStore", DataStoreProps.builder().build());
        functions = new PipelineFunctions(stack, "Functions", PipelineFunctionsProps.builder()
                .bucket(dataStore.artifactBucket())
                .table(dataStore.metadataTable())
                .code(TestFixtures.fakeModuleCode())
                .settings("evaluate", new FunctionSettings(1536, Duration.minutes(4)))
                .codeVersion("0123abc")
                .build());
        template = Template.fromStack(stack);
    }

    @Test
    void functionSpecs_listEveryFunctionOnceWithItsModuleAndHandler() {
        assertThat(PipelineFunctions.NAMES).containsExactly("ingest", "preprocess", "train", "evaluate", "register",
                "promote", "rollback", "requestApproval", "failRuns", "driftPlan", "driftProfile", "driftScore",
                "driftDecide", "driftOutcome");
        assertThat(PipelineFunctions.MODULES).containsExactly("ingest", "preprocess", "train", "evaluate",
                "register", "drift");
        assertThat(PipelineFunctions.handlerOf("driftProfile"))
                .isEqualTo("dev.flywheel.functions.drift.ProfileCapturesHandler::handleRequest");
        assertThat(PipelineFunctions.FUNCTIONS).extracting(FunctionSpec::handler).doesNotHaveDuplicates();
        assertThat(PipelineFunctions.handlerOf("ingest"))
                .isEqualTo("dev.flywheel.functions.ingest.IngestHandler::handleRequest");
        assertThat(PipelineFunctions.handlerOf("register"))
                .isEqualTo("dev.flywheel.functions.register.RegisterHandler::handleRequest");
        assertThat(PipelineFunctions.handlerOf("requestApproval"))
                .isEqualTo("dev.flywheel.functions.register.RequestApprovalHandler::handleRequest");
        assertThat(PipelineFunctions.handlerOf("failRuns"))
                .isEqualTo("dev.flywheel.functions.register.FailRunsHandler::handleRequest");
        assertThat(PipelineFunctions.specOf("rollback")).isEqualTo(new FunctionSpec("rollback", "register",
                "dev.flywheel.functions.register.RollbackHandler", false));
        assertThat(PipelineFunctions.FUNCTIONS).filteredOn(FunctionSpec::artifactBucket)
                .extracting(FunctionSpec::name).containsExactly("ingest", "preprocess", "train", "evaluate",
                        "driftPlan", "driftProfile", "driftScore", "driftDecide", "driftOutcome");
        assertThatThrownBy(() -> PipelineFunctions.handlerOf("approve"))
                .hasMessageContaining("unknown function 'approve'");
    }

    @Test
    void createsOneJava21SnapStartFunctionPerFunctionSpec() {
        template.resourceCountIs("AWS::Lambda::Function", PipelineFunctions.FUNCTIONS.size());
        for (FunctionSpec spec : PipelineFunctions.FUNCTIONS) {
            assertThat(template.findResources("AWS::Lambda::Function", Map.of("Properties", Map.of(
                    "Handler", spec.handler(),
                    "Runtime", "java21",
                    "Architectures", List.of("x86_64"),
                    "SnapStart", Map.of("ApplyOn", "PublishedVersions"),
                    "TracingConfig", Map.of("Mode", "Active")))))
                    .as(spec.name()).hasSize(1);
            assertThat(stack.resolve(functions.functions().get(spec.name()).getFunctionArn()).toString())
                    .contains("Functions" + spec.title() + "Function");
        }
    }

    @Test
    void runsEachModulesCodeAsOneAssetSharedByItsFunctions() {
        Map<String, Object> keyByModule = new LinkedHashMap<>();
        for (FunctionSpec spec : PipelineFunctions.FUNCTIONS) {
            Object key = s3KeyOf(spec.handler());
            Object moduleKey = keyByModule.computeIfAbsent(spec.module(), module -> key);
            assertThat(key).as(spec.name() + " runs the " + spec.module() + " module's asset").isEqualTo(moduleKey);
        }
        assertThat(keyByModule).containsOnlyKeys(PipelineFunctions.MODULES);
        assertThat(new HashSet<>(keyByModule.values())).as("one asset per module").hasSize(6);
    }

    @Test
    void sizesTrainLargestAndAppliesOverrides() {
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", PipelineFunctions.handlerOf("train"), "MemorySize", 3008, "Timeout", 900));
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", PipelineFunctions.handlerOf("evaluate"), "MemorySize", 1536, "Timeout", 240));
        for (String name : List.of("ingest", "preprocess", "register")) {
            FunctionSettings size = FunctionSettings.defaultsFor(name);
            assertThat(size.memoryMb()).isBetween(1024, 2048);
            template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                    "Handler", PipelineFunctions.handlerOf(name), "MemorySize", size.memoryMb(), "Timeout", 300));
        }
        for (String name : List.of("promote", "rollback", "requestApproval", "failRuns")) {
            template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                    "Handler", PipelineFunctions.handlerOf(name), "MemorySize", 512, "Timeout", 60));
        }
        assertThatThrownBy(() -> FunctionSettings.defaultsFor("inference"))
                .hasMessageContaining("unknown function 'inference'");
    }

    @Test
    void configuresTheFunctionsForAwsModeOfflineDjlAndFastStartup() {
        Map<String, Object> variables = Map.of(
                "FLYWHEEL_MODE", "aws",
                "FLYWHEEL_BUCKET", stack.resolve(dataStore.artifactBucket().getBucketName()),
                "FLYWHEEL_TABLE", stack.resolve(dataStore.metadataTable().getTableName()),
                "FLYWHEEL_LOG_LEVEL", "INFO",
                "FLYWHEEL_CODE_VERSION", "0123abc",
                "JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1",
                "DJL_OFFLINE", "true",
                "DJL_CACHE_DIR", "/tmp/djl");
        assertThat(template.findResources("AWS::Lambda::Function",
                Map.of("Properties", Map.of("Environment", Map.of("Variables", variables)))))
                .hasSize(PipelineFunctions.FUNCTIONS.size());
    }

    @Test
    void publishesALiveAliasOnTheCurrentVersionOfEachFunction() {
        template.resourceCountIs("AWS::Lambda::Version", 14);
        template.resourceCountIs("AWS::Lambda::Alias", 14);
        assertThat(functions.aliases()).containsOnlyKeys(PipelineFunctions.NAMES);
        for (String name : PipelineFunctions.NAMES) {
            IAlias alias = functions.aliases().get(name);
            template.hasResourceProperties("AWS::Lambda::Alias", Map.of(
                    "Name", "live",
                    "FunctionName", stack.resolve(functions.functions().get(name).getFunctionName()),
                    "FunctionVersion", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp(".*CurrentVersion.*"),
                            "Version"))));
            assertThat(alias.getAliasName()).isEqualTo("live");
        }
    }

    @Test
    void writesLogsToARetainedLogGroupPerFunction() {
        template.resourceCountIs("AWS::Logs::LogGroup", 14);
        assertThat(template.findResources("AWS::Logs::LogGroup",
                Map.of("Properties", Map.of("RetentionInDays", 30)))).hasSize(14);
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "LoggingConfig", Map.of("LogGroup", Map.of("Ref", Match.stringLikeRegexp("FunctionsIngestLogs.*")))));
    }

    @Test
    void grantsEachFunctionOnlyItsLogsXrayTheBucketAndTheTable() {
        Map<String, Map<String, Object>> roles = template.findResources("AWS::IAM::Role");
        assertThat(roles).hasSize(14);
        assertThat(roles.values()).allSatisfy(role ->
                assertThat(((Map<?, ?>) role.get("Properties")).containsKey("ManagedPolicyArns")).isFalse());

        List<String> actions = new ArrayList<>();
        for (Map<String, Object> statement : statements(template.findResources("AWS::IAM::Policy").values())) {
            assertThat(statement).containsEntry("Effect", "Allow");
            Object action = statement.get("Action");
            if (action instanceof List<?> list) {
                list.forEach(a -> actions.add(a.toString()));
            } else {
                actions.add(action.toString());
            }
        }
        assertThat(actions)
                .doesNotContain("*", "s3:*", "dynamodb:*", "logs:*", "lambda:*")
                .allMatch(a -> a.matches("(logs:(CreateLogStream|PutLogEvents))|xray:Put.*|s3:.*|dynamodb:.*"))
                .contains("s3:GetObject*", "s3:PutObject", "dynamodb:GetItem", "dynamodb:PutItem",
                        "dynamodb:Query", "dynamodb:ConditionCheckItem");

        String bucketArn = "{Fn::GetAtt=[" + TestFixtures.logicalId(stack, dataStore.artifactBucket()) + ", Arn]}";
        String tableArn = "{Fn::GetAtt=[" + TestFixtures.logicalId(stack, dataStore.metadataTable()) + ", Arn]}";
        for (Map<String, Object> statement : statements(template.findResources("AWS::IAM::Policy").values())) {
            String resource = statement.get("Resource").toString();
            String action = statement.get("Action").toString();
            if (action.contains("s3:")) {
                assertThat(resource).contains(bucketArn).doesNotContain(tableArn);
            } else if (action.contains("dynamodb:")) {
                assertThat(resource).isEqualTo("[" + tableArn + "]");
            } else if (action.contains("logs:")) {
                assertThat(resource).matches("\\{Fn::GetAtt=\\[Functions\\w+Logs\\w+, Arn]}");
            } else {
                assertThat(action).contains("xray:PutTraceSegments");
            }
        }
    }

    @Test
    void grantsTheRegisterModulesFunctionsTheTableButNoS3() {
        for (FunctionSpec spec : PipelineFunctions.FUNCTIONS) {
            List<Map<String, Object>> statements = statements(template.findResources("AWS::IAM::Policy", Map.of(
                    "Properties", Map.of("Roles", List.of(Map.of("Ref", Match.stringLikeRegexp(
                            "Functions" + spec.title() + "Role.*")))))).values());
            assertThat(statements).as(spec.name()).isNotEmpty();
            String actions = statements.stream().map(statement -> statement.get("Action").toString()).toList()
                    .toString();
            assertThat(actions).as(spec.name()).contains("dynamodb:PutItem", "xray:PutTraceSegments",
                    "logs:PutLogEvents");
            if (spec.artifactBucket()) {
                assertThat(actions).as(spec.name()).contains("s3:PutObject", "s3:GetObject*");
            } else {
                assertThat(spec.module()).isEqualTo("register");
                assertThat(actions).as(spec.name() + " never touches the artifact bucket").doesNotContain("s3:");
                assertThat(statements.toString()).doesNotContain(TestFixtures.logicalId(stack,
                        dataStore.artifactBucket()));
            }
        }
    }

    @Test
    void props_requireCodeForEveryModuleAndNoUnknownModulesOrFunctions() {
        PipelineFunctionsProps.Builder withoutTrain = PipelineFunctionsProps.builder()
                .bucket(dataStore.artifactBucket())
                .table(dataStore.metadataTable())
                .code(Map.of("ingest", TestFixtures.fakeModuleCode().get("ingest")));
        assertThatThrownBy(withoutTrain::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no code for function module(s) [drift, evaluate, preprocess, register, train]");

        Map<String, Code> perFunction = new LinkedHashMap<>(TestFixtures.fakeModuleCode());
        perFunction.put("promote", perFunction.get("register"));
        PipelineFunctionsProps.Builder withFunctionCode = PipelineFunctionsProps.builder()
                .bucket(dataStore.artifactBucket())
                .table(dataStore.metadataTable())
                .code(perFunction);
        assertThatThrownBy(withFunctionCode::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("code for unknown function module(s) [promote]");

        PipelineFunctionsProps.Builder withUnknown = PipelineFunctionsProps.builder()
                .bucket(dataStore.artifactBucket())
                .table(dataStore.metadataTable())
                .code(TestFixtures.fakeModuleCode())
                .settings("inference", new FunctionSettings(512, Duration.seconds(30)));
        assertThatThrownBy(withUnknown::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("settings for unknown function(s) [inference]");
    }

    @Test
    void functionSettings_rejectSizesLambdaDoesNotAllow() {
        assertThatThrownBy(() -> new FunctionSettings(64, Duration.minutes(1)))
                .hasMessageContaining("memoryMb must be between 128 and 10240");
        assertThatThrownBy(() -> new FunctionSettings(1024, Duration.minutes(16)))
                .hasMessageContaining("timeout must be between 1 second and 15 minutes");
    }

    /** The {@code Code.S3Key} of the one function with {@code handler}. */
    @SuppressWarnings("unchecked")
    private Object s3KeyOf(String handler) {
        Map<String, Map<String, Object>> found = template.findResources("AWS::Lambda::Function",
                Map.of("Properties", Map.of("Handler", handler)));
        assertThat(found).hasSize(1);
        Map<String, Object> properties = (Map<String, Object>) found.values().iterator().next().get("Properties");
        return ((Map<String, Object>) properties.get("Code")).get("S3Key");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> statements(Collection<Map<String, Object>> policies) {
        List<Map<String, Object>> statements = new ArrayList<>();
        for (Map<String, Object> policy : policies) {
            Map<String, Object> document = (Map<String, Object>) ((Map<String, Object>) policy.get("Properties"))
                    .get("PolicyDocument");
            statements.addAll((List<Map<String, Object>>) document.get("Statement"));
        }
        return statements;
    }
}
