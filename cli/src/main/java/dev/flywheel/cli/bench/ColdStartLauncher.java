package dev.flywheel.cli.bench;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import dev.flywheel.functions.inference.InferenceHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code main} that {@code flywheel bench cold-start} runs in a fresh JVM whose class path is the inference
 * function's Lambda jar and this one class file: it builds the handler as Lambda does (its no-arg constructor, the
 * configuration from the environment), sends it one event, and prints when each step ended, in microseconds since
 * the epoch, on one line that starts with {@link #MARK}. It uses only the JDK and the Lambda jar's classes. With
 * {@link #BARE} it runs the reference instead: DJL's predictor alone.
 *
 * <p>Usage: {@code java -cp lambda.jar:DIR dev.flywheel.cli.bench.ColdStartLauncher EVENT_FILE}
 */
public final class ColdStartLauncher {
    public static final String MARK = "flywheel-bench-cold-start ";
    /** The first argument of the reference run: DJL's XGBoost predictor alone on the model file, no handler. */
    public static final String BARE = "--bare-djl";
    private static final Pattern STATUS = Pattern.compile("\"statusCode\"\\s*:\\s*(\\d+)");

    private ColdStartLauncher() {
    }

    public static void main(String[] args) throws Exception {
        long main = micros(Instant.now());
        if (args[0].equals(BARE)) {
            bare(main, Path.of(args[1]), Integer.parseInt(args[2]));
            return;
        }
        byte[] event = Files.readAllBytes(Path.of(args[0]));
        InferenceHandler handler = new InferenceHandler();
        long constructed = micros(Instant.now());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, null);
        long responded = micros(Instant.now());
        String response = out.toString(StandardCharsets.UTF_8);
        out.reset();
        long second = System.nanoTime();
        handler.handleRequest(new ByteArrayInputStream(event), out, null);
        long secondMicros = (System.nanoTime() - second) / 1000;
        Matcher status = STATUS.matcher(response);
        int code = status.find() ? Integer.parseInt(status.group(1)) : 0;
        System.out.println(MARK + "{\"main\":" + main + ",\"constructed\":" + constructed + ",\"responded\":"
                + responded + ",\"status\":" + code + ",\"secondRequestMicros\":" + secondMicros + "}");
        if (code != 200) {
            System.out.println(MARK + "response " + response);
        }
        System.out.flush();
        System.exit(code == 200 ? 0 : 3);
    }

    /**
     * The reference: from the same jar, only DJL's XGBoost engine, the model file of the package in {@code dir} and one
     * prediction of a row of zeros ({@code width} columns), as the "bare DJL XGBoost predictor".
     */
    private static void bare(long main, Path dir, int width) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        Criteria<NDList, NDList> criteria = Criteria.builder().setTypes(NDList.class, NDList.class)
                .optModelPath(dir).optModelName("model").optEngine("XGBoost").build();
        try (ZooModel<NDList, NDList> model = criteria.loadModel();
             Predictor<NDList, NDList> predictor = model.newPredictor()) {
            long loaded = micros(Instant.now());
            NDList out = predictor.predict(new NDList(model.getNDManager().create(new float[width],
                    new Shape(1, width))));
            int code = out.singletonOrThrow().toFloatArray().length == 1 ? 200 : 0;
            long responded = micros(Instant.now());
            System.out.println(MARK + "{\"main\":" + main + ",\"constructed\":" + loaded + ",\"responded\":"
                    + responded + ",\"status\":" + code + ",\"secondRequestMicros\":0}");
            System.out.flush();
            System.exit(code == 200 ? 0 : 3);
        }
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1000;
    }
}
