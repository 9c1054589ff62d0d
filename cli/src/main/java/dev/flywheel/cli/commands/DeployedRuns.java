package dev.flywheel.cli.commands;

import dev.flywheel.cli.DriftRunner;
import dev.flywheel.cli.Interruption;
import dev.flywheel.cli.Output;
import dev.flywheel.cli.Progress;
import dev.flywheel.cli.remote.RemoteExecutions;
import dev.flywheel.cli.remote.RemoteRuns;
import dev.flywheel.cli.remote.StepFunctionsHistory;
import dev.flywheel.config.ConfigException;
import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.domain.ExecutionStatus;
import dev.flywheel.statemachines.runtime.ExecutionListener;
import dev.flywheel.statemachines.runtime.ExecutionResult;
import dev.flywheel.statemachines.runtime.Sleeper;
import dev.flywheel.store.ArtifactStore;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * What {@code --deployed} does, once for {@code pipeline run} and {@code drift run}: the configuration it needs
 * (usage errors that name what to set), the data the deployed Ingest reads (an object in the artifact bucket, or a
 * local file uploaded there), and the started execution followed here with the local run's step lines.
 */
final class DeployedRuns {
    private DeployedRuns() {
    }

    /** A deployed state machine a command starts: its name in messages, its variable and its stack output. */
    enum Machine {
        TRAINING("the pipeline", "training pipeline", FlywheelConfig.TRAINING_STATE_MACHINE_ARN,
                "TrainingStateMachineArn", FlywheelConfig::trainingStateMachineArn),
        DRIFT("the drift monitor", "drift monitor", FlywheelConfig.DRIFT_STATE_MACHINE_ARN,
                "DriftMonitorStateMachineArn", FlywheelConfig::driftStateMachineArn);

        private final String what;
        private final String name;
        private final String variable;
        private final String output;
        private final Function<FlywheelConfig, String> arn;

        Machine(String what, String name, String variable, String output, Function<FlywheelConfig, String> arn) {
            this.what = what;
            this.name = name;
            this.variable = variable;
            this.output = output;
            this.arn = arn;
        }

        String arn(FlywheelConfig config) {
            return arn.apply(config);
        }
    }

    /**
     * The environment's configuration for running {@code machine} deployed: {@code FLYWHEEL_MODE=aws} with its
     * settings and the state machine's ARN, or a usage error that says what to set.
     */
    static FlywheelConfig config(CommandSpec spec, Machine machine) {
        FlywheelConfig config;
        try {
            config = FlywheelConfig.fromEnvironment();
        } catch (ConfigException e) {
            throw new ParameterException(spec.commandLine(), "--deployed: " + e.getMessage());
        }
        if (config.mode() != FlywheelConfig.Mode.AWS) {
            throw new ParameterException(spec.commandLine(), "--deployed runs " + machine.what + " deployed to "
                    + "Step Functions: set FLYWHEEL_MODE=aws, and FLYWHEEL_BUCKET, FLYWHEEL_TABLE and "
                    + machine.variable + " to the stack outputs (see docs/deploy.md); AWS_REGION defaults to the "
                    + "state machine's region");
        }
        if (machine.arn(config) == null) {
            throw new ParameterException(spec.commandLine(), machine.variable + " must be set to reach the deployed "
                    + machine.name + ": the stack output " + machine.output + " (see docs/deploy.md)");
        }
        return config;
    }

    /** A usage error unless the s3:// URI {@code uri} names an object: s3://BUCKET/KEY. */
    static void requireObject(CommandSpec spec, String option, String uri) {
        if (uri.endsWith("/") || uri.indexOf('/', "s3://".length()) < 0) {
            throw new ParameterException(spec.commandLine(), option + " " + uri + ": name an object, "
                    + "s3://BUCKET/KEY");
        }
    }

    /**
     * The data source the deployed Ingest reads: an s3:// URI in the artifact bucket as it is (a usage error when it
     * is elsewhere: the functions read nothing else), or a local file uploaded by {@link RemoteRuns#source}, which
     * stderr is told of unless {@code quiet}.
     */
    static String source(CommandSpec spec, String option, String data, ArtifactStore artifacts, boolean quiet) {
        if (data.startsWith("s3://")) {
            String key;
            try {
                key = artifacts.keyOf(data);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), option + " " + data + ": the deployed Ingest reads "
                        + "the artifact bucket only (" + e.getMessage() + "): copy the file there, or give a local "
                        + "file to upload");
            }
            artifacts.checkAvailable();
            if (!artifacts.exists(key)) {
                throw new ParameterException(spec.commandLine(), option + " " + data + ": there is no such object "
                        + "in the artifact bucket: copy the file there first (aws s3 cp FILE " + data + "), or give "
                        + "a local file to upload");
            }
            return data;
        }
        artifacts.checkAvailable();
        String source = RemoteRuns.source(data, artifacts);
        if (!quiet) {
            System.err.println("Uploaded " + data + " to " + source);
        }
        return source;
    }

    /**
     * Says on stderr that an execution was started: {@code headline}, its ARN and what Ctrl-C does; with
     * {@code json} (stdout is the result's JSON) the one line "flywheel: started execution ARN", so that a run
     * killed before it prints anything still leaves the execution to follow again.
     */
    static void started(String executionArn, String headline, boolean json) {
        if (json) {
            System.err.println("flywheel: started execution " + executionArn);
        } else {
            announce(headline, executionArn, DeployedExecutions.name(executionArn));
        }
    }

    /** {@code headline}, the execution's ARN, and that Ctrl-C stops following only (with the commands, for {@code id}). */
    static void announce(String headline, String executionArn, String id) {
        System.err.println(headline + "\n  execution " + executionArn + "\n  (Ctrl-C stops following it, not the "
                + "execution: `flywheel executions show " + id + " --follow` follows it again, `flywheel executions "
                + "stop " + id + "` stops it)");
    }

    /**
     * Follows an execution to its end with the local run's step lines on stderr (nothing with {@code json}). Ctrl-C
     * meanwhile stops following, not the execution, and says how to follow or stop it.
     */
    static ExecutionResult follow(RemoteExecutions remote, String executionArn, boolean json) {
        try (var notice = Interruption.following(executionArn)) {
            ExecutionListener progress = json ? ExecutionListener.none() : new Progress(System.err);
            return RemoteRuns.follow(remote, executionArn, progress, Sleeper.system());
        }
    }

    /**
     * {@code executions show ID --follow}: follows a deployed execution (running or ended) to its end with the
     * step lines a {@code --deployed} run prints, then prints what such a run prints at its end: the training
     * pipeline's summary (its {@code seconds} the execution's duration), the drift monitor's outcome, or, for
     * another state machine's execution, its status and how it ended.
     *
     * @return 0 when it succeeded, else 1
     */
    static int followToEnd(RemoteExecutions remote, FlywheelConfig config, String id, boolean json) {
        RemoteExecutions.Execution execution = DeployedExecutions.find(remote, config, id);
        String arn = execution.executionArn();
        String machine = execution.stateMachineArn();
        boolean training = machine.equals(config.trainingStateMachineArn());
        boolean drift = machine.equals(config.driftStateMachineArn());
        if (!json) {
            announce("Following " + (training ? "the deployed training pipeline's" : drift
                    ? "the deployed drift monitor's" : DeployedExecutions.name(machine) + "'s") + " execution", arn,
                    training || drift ? execution.name() : arn);
        }
        ExecutionResult result = follow(remote, arn, json);
        if (training) {
            double seconds = result.startDate() == null || result.stopDate() == null ? 0
                    : java.time.Duration.between(result.startDate(), result.stopDate()).toMillis() / 1000.0;
            String model = execution.input() == null ? null
                    : StepFunctionsHistory.parse(execution.input()).path("model").asText(null);
            return PipelineCommand.report(PipelineCommand.summary(result, seconds, model), json);
        }
        if (drift) {
            return DriftCommand.finish(new DriftRunner.Outcome(result), json);
        }
        if (json) {
            Output.json(DeployedExecutions.json(remote.describe(arn), null));
        } else {
            System.out.println(result.status() + "  " + arn + (result.status() == ExecutionStatus.SUCCEEDED ? ""
                    : ": " + Output.ending(result.status(), result.error(), result.cause())));
        }
        return result.status() == ExecutionStatus.SUCCEEDED ? 0 : 1;
    }
}
