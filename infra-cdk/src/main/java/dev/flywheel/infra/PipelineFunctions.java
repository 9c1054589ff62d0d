package dev.flywheel.infra;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IAlias;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * The Lambda functions of the training side and of the drift monitor, one per {@link FunctionSpec}: java21 on x86_64, SnapStart on published
 * versions, X-Ray tracing, a log group with a retention each, and a role of their own that may write their logs,
 * read and write the metadata table and, only for the functions whose code works on artifacts, the artifact
 * bucket; nothing more. Callers (the state machine, an operator's {@code aws lambda invoke}) invoke the
 * {@value #ALIAS_NAME} alias, because SnapStart only applies to published versions.
 */
public final class PipelineFunctions extends Construct {

    /**
     * Every deployed function, the pipeline's steps in the order the pipeline runs them, then the register module's
     * other registry operations. The one list that functions, code modules, handlers, sizes, aliases, placeholders
     * and grants derive from.
     */
    public static final List<FunctionSpec> FUNCTIONS = List.of(
            FunctionSpec.artifactStep("ingest"),
            FunctionSpec.artifactStep("preprocess"),
            FunctionSpec.artifactStep("train"),
            FunctionSpec.artifactStep("evaluate"),
            FunctionSpec.registryOperation("register"),
            FunctionSpec.registryOperation("promote"),
            // not in the state machine: an operator's operation (aws lambda invoke), deployed so it can be run
            FunctionSpec.registryOperation("rollback"),
            // invoked with waitForTaskToken, but returns at once: the execution, not the function, waits
            FunctionSpec.registryOperation("requestApproval"),
            FunctionSpec.registryOperation("failRuns"),
            // the drift monitor's steps, in the order its state machine runs them
            FunctionSpec.driftStep("driftPlan", "PlanWindowHandler"),
            FunctionSpec.driftStep("driftProfile", "ProfileCapturesHandler"),
            FunctionSpec.driftStep("driftScore", "ScoreWindowHandler"),
            FunctionSpec.driftStep("driftDecide", "DecideRetrainingHandler"),
            FunctionSpec.driftStep("driftOutcome", "RecordRetrainingHandler"));

    /** The functions' names, in {@link #FUNCTIONS} order. */
    public static final List<String> NAMES = FUNCTIONS.stream().map(FunctionSpec::name).toList();

    /** The code modules (under {@code functions/}) the functions run, each once, in {@link #FUNCTIONS} order. */
    public static final List<String> MODULES = FUNCTIONS.stream().map(FunctionSpec::module).distinct().toList();

    /** The alias that always points at the version published by the latest deployment. */
    public static final String ALIAS_NAME = "live";

    /** The variables the functions' {@code FlywheelConfig} reads (shared module); keep the names in step. */
    static final String MODE = "FLYWHEEL_MODE";
    static final String BUCKET = "FLYWHEEL_BUCKET";
    static final String TABLE = "FLYWHEEL_TABLE";
    static final String LOG_LEVEL = "FLYWHEEL_LOG_LEVEL";
    static final String CODE_VERSION = "FLYWHEEL_CODE_VERSION";

    /**
     * C1 only: the functions spend their time in native XGBoost or I/O, so fast JIT warm-up beats C2's peak
     * speed for a short-lived Lambda.
     */
    static final String JAVA_TOOL_OPTIONS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1";

    private final Map<String, Function> functions = new LinkedHashMap<>();
    private final Map<String, Alias> aliases = new LinkedHashMap<>();

    public PipelineFunctions(Construct scope, String id, PipelineFunctionsProps props) {
        super(scope, id);
        Map<FunctionSpec, Role> roles = new LinkedHashMap<>();
        for (FunctionSpec spec : FUNCTIONS) {
            String name = spec.name();
            String title = spec.title();
            FunctionSettings size = props.settingsOf(name);

            // one Code object per module: a jar that several functions run is one asset, uploaded once;
            // FLYWHEEL_BUCKET even where there is no grant: FlywheelConfig requires it in aws mode
            SnapStartFunction created = SnapStartFunction.create(this, title,
                    (spec.module().equals("drift") ? "Flywheel drift monitor: " : "Flywheel training pipeline: ")
                            + name + (spec.module().equals(name) ? "" : " (" + spec.module() + " module)"),
                    spec.handler(), props.codeOf(spec.module()), size, environment(props), props.logRetention(),
                    "Flywheel " + name + " function: its logs, X-Ray, "
                            + (spec.artifactBucket() ? "the artifact bucket and " : "") + "the metadata table");
            Function function = created.function();
            roles.put(spec, created.role());
            if (spec.artifactBucket()) {
                props.bucket().grantReadWrite(function);
            }
            props.table().grantReadWriteData(function);

            Alias alias = created.alias();
            functions.put(name, function);
            aliases.put(name, alias);
        }
        suppressNagFindings(props, roles);
    }

    /** The spec of function {@code name}. */
    public static FunctionSpec specOf(String name) {
        return FUNCTIONS.stream().filter(spec -> spec.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown function '" + name + "'; expected one of "
                        + NAMES));
    }

    /** The Lambda handler of function {@code name}, such as {@code dev.flywheel.functions.register.PromoteHandler}. */
    public static String handlerOf(String name) {
        return specOf(name).handler();
    }

    /** The functions by name, in {@link #FUNCTIONS} order. */
    public Map<String, IFunction> functions() {
        return Collections.unmodifiableMap(functions);
    }

    /** The {@value #ALIAS_NAME} alias of each function by name, in {@link #FUNCTIONS} order: what callers invoke. */
    public Map<String, IAlias> aliases() {
        return Collections.unmodifiableMap(aliases);
    }

    private static Map<String, String> environment(PipelineFunctionsProps props) {
        return environment(props.bucket(), props.table(), props.logLevel(), props.codeVersion());
    }

    /** What every Flywheel function's {@code FlywheelConfig} reads in aws mode. */
    static Map<String, String> environment(software.amazon.awscdk.services.s3.IBucket bucket,
                                           software.amazon.awscdk.services.dynamodb.ITable table, String logLevel,
                                           String codeVersion) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(MODE, "aws");
        env.put(BUCKET, bucket.getBucketName());
        env.put(TABLE, table.getTableName());
        env.put(LOG_LEVEL, logLevel);
        if (!codeVersion.isEmpty()) {
            env.put(CODE_VERSION, codeVersion);
        }
        env.put("JAVA_TOOL_OPTIONS", JAVA_TOOL_OPTIONS);
        env.put("DJL_OFFLINE", "true");
        env.put("DJL_CACHE_DIR", "/tmp/djl");
        return env;
    }

    private void suppressNagFindings(PipelineFunctionsProps props, Map<FunctionSpec, Role> roles) {
        for (Function function : functions.values()) {
            NagSuppressions.addResourceSuppressions(function, List.of(NagPackSuppression.builder()
                    .id("AwsSolutions-L1")
                    .reason("Flywheel targets java21 on purpose: its jars are built and tested for it, and it runs "
                            + "on Amazon Linux 2023 (glibc 2.34) as the native ML libraries need; newer Java "
                            + "runtimes are adopted once the jars are tested on them.")
                    .build()));
        }
        String bucketId = props.bucket().getNode().getId().replaceAll("[^A-Za-z0-9]", "");
        NagPackSuppression xrayAndBucket = NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason("Wildcards that CDK grants generate and that cannot be narrowed: X-Ray's PutTraceSegments "
                        + "and PutTelemetryRecords accept no resource (Resource::*); the functions read and write "
                        + "objects anywhere in the artifact bucket (bucket ARN/*) with the s3:GetObject*, "
                        + "s3:GetBucket*, s3:List*, s3:DeleteObject* and s3:Abort* action families of "
                        + "grantReadWrite.")
                .appliesTo(List.of(
                        "Resource::*",
                        regex("^Action::s3:(GetObject|GetBucket|List|DeleteObject|Abort)\\*$"),
                        regex("^Resource::<[A-Za-z0-9]*" + bucketId + "[A-Za-z0-9]*\\.Arn>/\\*$")))
                .build();
        NagPackSuppression xrayOnly = NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason("The one wildcard CDK's tracing grant generates and that cannot be narrowed: X-Ray's "
                        + "PutTraceSegments and PutTelemetryRecords accept no resource (Resource::*). These "
                        + "functions have no artifact bucket access at all.")
                .appliesTo(List.of("Resource::*"))
                .build();
        roles.forEach((spec, role) -> NagSuppressions.addResourceSuppressions(role,
                List.of(spec.artifactBucket() ? xrayAndBucket : xrayOnly), true));
    }

    private static RegexAppliesTo regex(String pattern) {
        return RegexAppliesTo.builder().regex("/" + pattern + "/").build();
    }
}
