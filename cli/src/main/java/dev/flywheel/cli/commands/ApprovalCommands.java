package dev.flywheel.cli.commands;

import dev.flywheel.cli.CommonOptions;
import dev.flywheel.cli.Output;
import dev.flywheel.cli.Workspace;
import dev.flywheel.json.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Answers a pipeline waiting for manual approval, like SendTaskSuccess / SendTaskFailure. */
public final class ApprovalCommands {
    private ApprovalCommands() {
    }

    /** On AWS, Step Functions itself holds the token: the answer must go to it, not to the metadata table. */
    static void requireLocal(Workspace workspace, String token, boolean approve) {
        if (workspace.config().mode() == dev.flywheel.config.FlywheelConfig.Mode.AWS) {
            throw new IllegalStateException("with FLYWHEEL_MODE=aws the waiting execution runs in Step Functions: answer it "
                    + "with `aws stepfunctions " + (approve ? "send-task-success --task-output '{\"approved\":true}'"
                    : "send-task-failure --error ApprovalRejected") + " --task-token " + token + "`");
        }
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
            try (Workspace workspace = Workspace.openExisting(common().home())) {
                requireLocal(workspace, token, true);
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
                description = "Why, shown in the pipeline's outcome (default: ${DEFAULT-VALUE}).")
        String reason;

        private CommonOptions common() {
            return CommonOptions.of(spec);
        }

        @Override
        public Integer call() {
            try (Workspace workspace = Workspace.openExisting(common().home())) {
                requireLocal(workspace, token, false);
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
