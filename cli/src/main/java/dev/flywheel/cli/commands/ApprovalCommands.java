package dev.flywheel.cli.commands;

import dev.flywheel.cli.CommonOptions;
import dev.flywheel.cli.Output;
import dev.flywheel.cli.Workspace;
import dev.flywheel.cli.remote.RemoteExecutions;
import dev.flywheel.cli.remote.StepFunctionsExecutions;
import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.json.Json;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Answers a pipeline waiting for manual approval: locally through the metadata store, as SendTaskSuccess /
 * SendTaskFailure would; with {@code FLYWHEEL_MODE=aws} through Step Functions' SendTaskSuccess / SendTaskFailure.
 */
public final class ApprovalCommands {
    private ApprovalCommands() {
    }

    /**
     * The configuration the command runs with: {@code --home} over the environment. These commands reach Step
     * Functions only with {@code FLYWHEEL_MODE=aws}: the artifact bucket and the table need not be set.
     */
    static FlywheelConfig config(CommonOptions common) {
        return FlywheelConfig.withoutStoresFromEnvironment(Map.of(FlywheelConfig.HOME, common.home().toString()));
    }

    /** The task token, given. */
    private static String token(CommandSpec spec, String token) {
        return ExecutionsCommand.given(spec, token, "give the task token the waiting pipeline printed");
    }

    @Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve a waiting promotion: the pipeline goes on to Promote.")
    public static final class Approve implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "TOKEN", description = "The task token the waiting pipeline printed.")
        String token;
        @Option(names = "--comment", defaultValue = "approved", paramLabel = "TEXT",
                description = "Kept with the approval in the execution (default: ${DEFAULT-VALUE}).")
        String comment;

        private CommonOptions common() {
            return CommonOptions.of(spec);
        }

        @Override
        public Integer call() {
            token = token(spec, token);
            if (Json.write(Json.object().put("approved", true).put("comment", comment))
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8).length > RemoteExecutions.MAX_OUTPUT) {
                throw new ParameterException(spec.commandLine(), "--comment is too long: the "
                        + "approval ({\"approved\": true, \"comment\": ...}) must be at most "
                        + String.format(java.util.Locale.ROOT, "%,d", RemoteExecutions.MAX_OUTPUT)
                        + " bytes of UTF-8, the most Step Functions takes");
            }
            if (config(common()).mode() == FlywheelConfig.Mode.AWS) {
                // On AWS, Step Functions itself holds the token: the answer goes to it (SendTaskSuccess).
                try (RemoteExecutions remote = StepFunctionsExecutions.create(config(common()))) {
                    var answered = DeployedExecutions.approve(remote, token, comment);
                    if (common().json()) {
                        Output.json(answered);
                    } else {
                        System.out.println("approved: the waiting execution goes on");
                    }
                    return 0;
                }
            }
            try (Workspace workspace = Workspace.openExisting(common().home())) {
                var answered = workspace.stores().registries().executions()
                        .succeedTaskToken(token, Json.object().put("approved", true).put("comment", comment));
                if (common().json()) {
                    Output.json(answered);
                } else {
                    System.out.println("approved: execution " + answered.executionId() + " goes on");
                }
                return 0;
            }
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true, description = "Reject a waiting promotion: the pipeline ends, not promoted.")
    public static final class Reject implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "TOKEN", description = "The task token the waiting pipeline printed.")
        String token;
        @Option(names = "--reason", defaultValue = "rejected by a reviewer", paramLabel = "TEXT",
                description = "Why, shown in the pipeline's outcome, up to 32,768 characters (default: "
                        + "${DEFAULT-VALUE}).")
        String reason;

        private CommonOptions common() {
            return CommonOptions.of(spec);
        }

        @Override
        public Integer call() {
            token = token(spec, token);
            ExecutionsCommand.atMost(spec, "--reason", reason, RemoteExecutions.MAX_CAUSE);
            if (config(common()).mode() == FlywheelConfig.Mode.AWS) {
                try (RemoteExecutions remote = StepFunctionsExecutions.create(config(common()))) {
                    var answered = DeployedExecutions.reject(remote, token, reason);
                    if (common().json()) {
                        Output.json(answered);
                    } else {
                        System.out.println("rejected: the waiting execution ends without promotion");
                    }
                    return 0;
                }
            }
            try (Workspace workspace = Workspace.openExisting(common().home())) {
                var answered = workspace.stores().registries().executions().failTaskToken(token, "ApprovalRejected", reason);
                if (common().json()) {
                    Output.json(answered);
                } else {
                    System.out.println("rejected: execution " + answered.executionId() + " ends without promotion");
                }
                return 0;
            }
        }
    }
}
