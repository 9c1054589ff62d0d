package dev.flywheel.infra;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One deployed Lambda function of the training side: its name, the code module whose jar it runs and its handler
 * class. Several functions may run the same module's jar with different handlers (the register module's registry
 * operations), so function and module are distinct; {@link PipelineFunctions#FUNCTIONS} lists them all.
 *
 * @param name           the function's name: the {@code <name>} of its {@code ${<Name>FunctionArn}} placeholder,
 *                       its construct IDs and its {@link FunctionSettings} key
 * @param module         the module under {@code functions/} whose shaded jar is the function's code
 * @param handlerClass   the fully qualified class of the handler, a {@code JsonHandler} (a
 *                       {@code RequestStreamHandler})
 * @param artifactBucket whether the function's code reads or writes the artifact bucket; only those are granted it
 */
public record FunctionSpec(String name, String module, String handlerClass, boolean artifactBucket) {

    private static final Pattern NAME = Pattern.compile("[a-z][A-Za-z0-9]*");

    public FunctionSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(handlerClass, "handlerClass");
        if (!NAME.matcher(name).matches() || !NAME.matcher(module).matches()) {
            throw new IllegalArgumentException("function and module names are lowerCamelCase, got '" + name
                    + "' and '" + module + "'");
        }
    }

    /**
     * A pipeline step with a module of its own that works on artifacts: {@code functions/<name>}, handler
     * {@code dev.flywheel.functions.<name>.<Name>Handler}.
     */
    static FunctionSpec artifactStep(String name) {
        return new FunctionSpec(name, name, handlerClassOf(name, name), true);
    }

    /**
     * A registry operation of the register module (handler {@code dev.flywheel.functions.register.<Name>Handler}):
     * its {@code RegisterService} only uses the registries in the metadata table, never the artifact bucket.
     */
    static FunctionSpec registryOperation(String name) {
        return new FunctionSpec(name, "register", handlerClassOf("register", name), false);
    }

    /**
     * A step of the drift monitor (module {@code functions/drift}, handler {@code dev.flywheel.functions.drift.<handler>}):
     * it reads captures and baselines and writes partial windows and reports, so it works on artifacts.
     */
    static FunctionSpec driftStep(String name, String handlerSimpleName) {
        return new FunctionSpec(name, "drift", "dev.flywheel.functions.drift." + handlerSimpleName, true);
    }

    /** The Lambda handler string: the class's {@code handleRequest}. */
    public String handler() {
        return handlerClass + "::handleRequest";
    }

    /** The name with its first letter upper-cased: {@code requestApproval} is {@code RequestApproval}. */
    public String title() {
        return titleCase(name);
    }

    /** The definition placeholder this function's {@code live} alias binds: {@code <Name>FunctionArn}. */
    public String placeholder() {
        return placeholderOf(name);
    }

    /** The definition placeholder of function {@code name}: {@code <Name>FunctionArn}. */
    static String placeholderOf(String name) {
        return titleCase(name) + "FunctionArn";
    }

    static String titleCase(String name) {
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    private static String handlerClassOf(String module, String name) {
        return "dev.flywheel.functions." + module + "." + titleCase(name) + "Handler";
    }
}
