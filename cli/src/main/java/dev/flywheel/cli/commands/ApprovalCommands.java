package dev.flywheel.cli.commands;

import dev.flywheel.cli.CommonOptions;
import dev.flywheel.cli.Output;
import dev.flywheel.cli.Workspace;
import dev.flywheel.json.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Answers a pipeline waiting for manual approval, like SendTaskSuccess / SendTaskFailure. */
public final class ApprovalCommands {
    private ApprovalCommands() {
    }

    @Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve a waiting promotion: the pipeline goes on to Promote.")
    public static final class Approve implements Callable<Integer> {
        @Mixin
        CommonOptions common;
        @Parameters(paramLabel = "TOKEN")
        String token;
        @Option(names = "--comment", defaultValue = "approved")
        String comment;

        @Override
        public Integer call() {
            try (Workspace workspace = Workspace.open(common.home())) {
                var answered = workspace.stores().registries().executions()
                        .succeedTaskToken(token, Json.object().put("approved", true).put("comment", comment));
                if (common.json()) {
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
        @Mixin
        CommonOptions common;
        @Parameters(paramLabel = "TOKEN")
        String token;
        @Option(names = "--reason", defaultValue = "rejected by a reviewer")
        String reason;

        @Override
        public Integer call() {
            try (Workspace workspace = Workspace.open(common.home())) {
                var answered = workspace.stores().registries().executions().failTaskToken(token, "ApprovalRejected", reason);
                if (common.json()) {
                    Output.json(answered);
                } else {
                    System.out.println("rejected: execution " + answered.executionId() + " ends without promotion");
                }
                return 0;
            }
        }
    }
}
