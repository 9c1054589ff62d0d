package dev.flywheel.cli.commands;

import dev.flywheel.cli.Interruption;
import dev.flywheel.cli.Progress;
import dev.flywheel.cli.remote.RemoteExecutions;
import dev.flywheel.cli.remote.RemoteRuns;
import dev.flywheel.config.ConfigException;
import dev.flywheel.config.FlywheelConfig;
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
            throw new ParameterException(spec.commandLine(), "--deployed: " + e.getMessage() + " (the stack "
                    + "outputs, see docs/deploy.md)");
        }
        if (config.mode() != FlywheelConfig.Mode.AWS) {
            throw new ParameterException(spec.commandLine(), "--deployed runs " + machine.what + " deployed to "
                    + "Step Functions: set FLYWHEEL_MODE=aws, FLYWHEEL_BUCKET, FLYWHEEL_TABLE, AWS_REGION and "
                    + machine.variable + " (the stack outputs, see docs/deploy.md)");
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
            try {
                artifacts.keyOf(data);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), option + " " + data + ": the deployed Ingest reads "
                        + "the artifact bucket only (" + e.getMessage() + "): copy the file there, or give a local "
                        + "file to upload");
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
     * Follows a started execution to its end with the local run's step lines on stderr (nothing with {@code json}),
     * after {@code headline} and the execution's ARN. Ctrl-C meanwhile stops following, not the execution, and
     * says how to read or stop it.
     */
    static ExecutionResult follow(RemoteExecutions remote, String executionArn, String headline, boolean json) {
        if (!json) {
            String name = DeployedExecutions.name(executionArn);
            System.err.println(headline + "\n  execution " + executionArn + "\n  (Ctrl-C stops following it, not "
                    + "the execution: `flywheel executions show " + name + "` reads it, `flywheel executions stop "
                    + name + "` stops it)");
        }
        try (var notice = Interruption.following(executionArn)) {
            ExecutionListener progress = json ? ExecutionListener.none() : new Progress(System.err);
            return RemoteRuns.follow(remote, executionArn, progress, Sleeper.system());
        }
    }
}
