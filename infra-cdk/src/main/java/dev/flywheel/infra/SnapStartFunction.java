package dev.flywheel.infra;

import java.util.Map;

import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * How every Flywheel function is deployed: java21 on x86_64, SnapStart on published versions, X-Ray tracing, a log
 * group with a retention, a role of its own that may write only that log group (no managed policy), and the
 * {@value PipelineFunctions#ALIAS_NAME} alias on the version each deployment publishes. Grants beyond the logs are
 * the caller's.
 */
record SnapStartFunction(Function function, Role role, Alias alias) {

    static SnapStartFunction create(Construct scope, String title, String description, String handler, Code code,
                                    FunctionSettings size, Map<String, String> environment, RetentionDays logRetention,
                                    String roleDescription) {
        LogGroup logGroup = LogGroup.Builder.create(scope, title + "Logs")
                .retention(logRetention)
                .build();
        // An own role instead of Lambda's default: the managed AWSLambdaBasicExecutionRole may write to
        // every log group of the account, this one only to the function's.
        Role role = Role.Builder.create(scope, title + "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description(roleDescription)
                .build();
        logGroup.grantWrite(role);
        Function function = Function.Builder.create(scope, title + "Function")
                .description(description)
                .runtime(Runtime.JAVA_21)
                .architecture(Architecture.X86_64)
                .handler(handler)
                .code(code)
                .memorySize(size.memoryMb())
                .timeout(size.timeout())
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                .tracing(Tracing.ACTIVE)
                .logGroup(logGroup)
                .role(role)
                .environment(environment)
                .build();
        Alias alias = Alias.Builder.create(scope, title + "LiveAlias")
                .aliasName(PipelineFunctions.ALIAS_NAME)
                .version(function.getCurrentVersion())
                .description("The version published by the latest deployment (SnapStart)")
                .build();
        Annotations.of(function).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                "every deployment publishes a version (currentVersion) and moves the live alias to it");
        return new SnapStartFunction(function, role, alias);
    }
}
