package dev.flywheel.cli;

import dev.flywheel.config.ConfigException;
import dev.flywheel.config.FlywheelConfig;
import dev.flywheel.cli.commands.ApprovalCommands;
import dev.flywheel.cli.commands.BenchCommand;
import dev.flywheel.cli.commands.DatagenCommand;
import dev.flywheel.cli.commands.DriftCommand;
import dev.flywheel.cli.commands.DatasetsCommand;
import dev.flywheel.cli.commands.DemoCommand;
import dev.flywheel.cli.commands.ExecutionsCommand;
import dev.flywheel.cli.commands.ModelsCommand;
import dev.flywheel.cli.commands.PipelineCommand;
import dev.flywheel.cli.commands.PredictCommand;
import dev.flywheel.cli.commands.RunsCommand;
import dev.flywheel.cli.commands.ServeCommand;
import dev.flywheel.config.BuildInfo;
import dev.flywheel.io.ScratchFolder;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Command;

/** The {@code flywheel} command: the whole MLOps loop on one machine, through the same handlers AWS runs. */
@Command(name = "flywheel", mixinStandardHelpOptions = true, versionProvider = FlywheelCli.Version.class,
        description = "Flywheel: raw data to a monitored production model, locally or on AWS.",
        subcommands = {DemoCommand.class, PipelineCommand.class, ExecutionsCommand.class, DatasetsCommand.class,
                RunsCommand.class, ModelsCommand.class, ServeCommand.class, PredictCommand.class, DriftCommand.class,
                ApprovalCommands.Approve.class, ApprovalCommands.Reject.class,
                DatagenCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class FlywheelCli {
    @Mixin
    CommonOptions common;

    public static void main(String[] args) {
        // Before the first logger exists: the CLI's own, quieter logging, and DJL never downloads anything.
        System.setProperty("log4j2.configurationFile", "classpath:flywheel-cli-log4j2.xml");
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        ScratchFolder.sweepAbandoned();
        ScratchFolder.adoptSystemTemp();
        int code;
        try {
            code = execute(args);
        } catch (OutOfMemoryError e) {
            System.err.println("flywheel: " + OutOfMemory.advice());
            code = 1;
        }
        System.exit(code);
    }

    /** Runs the command line; returns the exit code (0 success, 1 failure, 2 usage error). */
    public static int execute(String... args) {
        CommandLine commandLine = new CommandLine(new FlywheelCli());
        // "@FILE" is Flywheel's own syntax (executions start --input @FILE), not picocli's argument files.
        commandLine.setExpandAtFiles(false);
        // A usage error: what is wrong and where the help is, not the whole help text.
        commandLine.setParameterExceptionHandler((exception, args1) -> {
            CommandLine line = exception.getCommandLine();
            line.getErr().println(line.getColorScheme().errorText("flywheel: " + oneLine(exception)));
            line.getErr().println("Try `" + line.getCommandSpec().qualifiedName() + " --help`.");
            return 2;
        });
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            if (exception instanceof ConfigException) {
                // A missing or invalid environment variable: a usage error, said in the variable's own words.
                line.getErr().println(line.getColorScheme().errorText("flywheel: " + oneLine(exception)));
                return 2;
            }
            line.getErr().println(line.getColorScheme().errorText("flywheel: " + (OutOfMemory.caused(exception)
                    ? OutOfMemory.advice() : oneLine(exception))));
            if (FlywheelConfig.debug()) {
                exception.printStackTrace(line.getErr());
            }
            return 1;
        });
        return commandLine.execute(args);
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"flywheel " + BuildInfo.version()};
        }
    }
}
