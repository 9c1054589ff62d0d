package dev.flywheel.statemachines.runtime;

import dev.flywheel.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flywheel.domain.ExecutionStatus;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Distributed Map states: ItemReader over an in-memory S3, ItemBatcher, tolerated failures, and validation. */
class DistributedMapTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String FN = "arn:aws:lambda:us-east-1:123456789012:function:Check";
    private static final Instant MODIFIED = Instant.parse("2024-05-01T09:30:00Z");

    private final MutableClock clock = new MutableClock(Instant.parse("2024-05-01T10:00:00Z"));

    /** One bucket, "data", held in memory. */
    private static final class MemoryS3 implements ItemReaderSource {
        final Map<String, String> objects = new TreeMap<>();
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public InputStream getObject(String bucket, String key) {
            calls.add("get " + bucket + "/" + key);
            bucket(bucket);
            String content = objects.get(key);
            if (content == null) {
                throw new S3Exception("NoSuchKey", "The specified key does not exist.");
            }
            return new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public List<S3Object> listObjectsV2(String bucket, String prefix) {
            calls.add("list " + bucket + "/" + prefix);
            bucket(bucket);
            List<S3Object> out = new ArrayList<>();
            objects.forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    out.add(new S3Object(k, v.length(), "\"etag-" + k + "\"", MODIFIED, "STANDARD"));
                }
            });
            return out;
        }

        private static void bucket(String bucket) {
            if (!bucket.equals("data")) {
                throw new S3Exception("NoSuchBucket", "The specified bucket does not exist.");
            }
        }
    }

    private final MemoryS3 s3 = new MemoryS3();

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private ExecutionResult run(String definition, String input, TaskInvoker invoker, boolean withSource) {
        ExecutionOptions.Builder options = ExecutionOptions.builder().clock(clock)
                .sleeper(new RecordingSleeper(clock)).executionName("test");
        if (withSource) {
            options.itemReaderSource(s3);
        }
        return Interpreter.create().execute(StateMachine.parse(json(definition)), json(input), invoker,
                options.build());
    }

    private static String map(String fields, String processorStates) {
        return """
                {'StartAt':'M','States':{'M':{'Type':'Map',%s,
                  'ItemProcessor':{'ProcessorConfig':{'Mode':'DISTRIBUTED','ExecutionType':'STANDARD'},
                    'StartAt':'P','States':%s},
                  'End':true}}}""".formatted(fields, processorStates);
    }

    private static final String PASS = "{'P':{'Type':'Pass','End':true}}";
    private static final String CHECK = "{'P':{'Type':'Task','Resource':'" + FN + "','End':true}}";

    @Test
    void getObjectJson_readsTheArrayAtTheKeyTakenFromTheInput_keepingMaxItems() {
        s3.objects.put("manifests/m1.json", "[{'n':1},{'n':2},{'n':3},{'n':4}]".replace('\'', '"'));
        String definition = map("""
                'ItemReader':{'Resource':'arn:aws:states:::s3:getObject',
                  'ReaderConfig':{'InputType':'JSON','MaxItems':3},
                  'Parameters':{'Bucket':'data','Key.$':'$.manifest'}},
                'ItemSelector':{'value.$':'$$.Map.Item.Value.n','index.$':'$$.Map.Item.Index','run.$':'$.run'}""",
                PASS);

        ExecutionResult result = run(definition, "{'manifest':'manifests/m1.json','run':'r7'}", r -> r.parameters(), true);

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.output()).isEqualTo(json("""
                [{'value':1,'index':0,'run':'r7'},{'value':2,'index':1,'run':'r7'},{'value':3,'index':2,'run':'r7'}]"""));
        assertThat(s3.calls).containsExactly("get data/manifests/m1.json");
        HistoryEvent started = result.events().stream().filter(e -> e.type().equals("MapStateStarted")).findFirst()
                .orElseThrow();
        assertThat(started.details().get("mode").asText()).isEqualTo("DISTRIBUTED");
        assertThat(started.details().get("length").asInt()).isEqualTo(3);
        assertThat(result.eventTypes()).filteredOn(t -> t.startsWith("MapIteration"))
                .containsOnly("MapIterationStarted", "MapIterationSucceeded").hasSize(6);
    }

    @Test
    void listObjectsV2_givesOneItemPerObjectUnderThePrefix_shapedAsStepFunctionsGivesThem() {
        s3.objects.put("captures/2024-05-01.jsonl", "abc");
        s3.objects.put("captures/2024-05-02.jsonl", "defgh");
        s3.objects.put("reports/x.json", "{}");
        String definition = map("""
                'ItemReader':{'Resource':'arn:aws:states:::s3:listObjectsV2',
                  'Parameters':{'Bucket':'data','Prefix.$':'$.prefix'}}""", PASS);

        ExecutionResult result = run(definition, "{'prefix':'captures/'}", r -> r.parameters(), true);

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.output().toString()).isEqualTo(json("""
                [{'Etag':'\\"etag-captures/2024-05-01.jsonl\\"','Key':'captures/2024-05-01.jsonl',
                  'LastModified':%d,'Size':3,'StorageClass':'STANDARD'},
                 {'Etag':'\\"etag-captures/2024-05-02.jsonl\\"','Key':'captures/2024-05-02.jsonl',
                  'LastModified':%d,'Size':5,'StorageClass':'STANDARD'}]"""
                .formatted(MODIFIED.getEpochSecond(), MODIFIED.getEpochSecond())).toString());
    }

    @Test
    void itemBatcher_givesEachIterationItemsAndBatchInput_itemsThroughItemSelectorFirst() {
        String definition = """
                {'StartAt':'M','States':{'M':{'Type':'Map','ItemsPath':'$.xs',
                  'ItemSelector':{'x.$':'$$.Map.Item.Value'},
                  'ItemBatcher':{'MaxItemsPerBatch':2,'BatchInput':{'model.$':'$.model','fixed':true}},
                  'ItemProcessor':{'ProcessorConfig':{'Mode':'DISTRIBUTED','ExecutionType':'EXPRESS'},
                    'StartAt':'P','States':{'P':{'Type':'Pass','End':true}}},
                  'End':true}}}""";

        ExecutionResult result = run(definition, "{'xs':[1,2,3,4,5],'model':'credit'}", r -> r.parameters(), false);

        assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.output()).isEqualTo(json("""
                [{'Items':[{'x':1},{'x':2}],'BatchInput':{'model':'credit','fixed':true}},
                 {'Items':[{'x':3},{'x':4}],'BatchInput':{'model':'credit','fixed':true}},
                 {'Items':[{'x':5}],'BatchInput':{'model':'credit','fixed':true}}]"""));
        assertThat(result.eventTypes()).filteredOn("MapIterationStarted"::equals).hasSize(3);
    }

    @Test
    void itemBatcher_withoutBatchInput_andSizeFromAPath() {
        String definition = """
                {'StartAt':'M','States':{'M':{'Type':'Map',
                  'ItemBatcher':{'MaxItemsPerBatchPath':'$.size'},'ItemsPath':'$.xs',
                  'ItemProcessor':{'ProcessorConfig':{'Mode':'DISTRIBUTED','ExecutionType':'STANDARD'},
                    'StartAt':'P','States':{'P':{'Type':'Pass','End':true}}},
                  'End':true}}}""";

        ExecutionResult result = run(definition, "{'xs':['a','b','c'],'size':3}", r -> r.parameters(), false);

        assertThat(result.output()).isEqualTo(json("[{'Items':['a','b','c']}]"));
    }

    @Test
    void toleratedFailures_countTheItemsOfFailedBatches() {
        s3.objects.put("items.json", "[1,2,3,4,5,6]");
        String fields = """
                'ItemReader':{'Resource':'arn:aws:states:::s3:getObject','ReaderConfig':{'InputType':'JSON'},
                  'Parameters':{'Bucket':'data','Key':'items.json'}},
                'ItemBatcher':{'MaxItemsPerBatch':2},'MaxConcurrency':1,'ToleratedFailureCount':%d""";
        TaskInvoker failsFirstBatch = r -> {
            if (r.parameters().path("Items").get(0).asInt() == 1) {
                throw new TaskFailedException("BadBatch", "items 1 and 2");
            }
            return r.parameters();
        };

        ExecutionResult tolerated = run(map(fields.formatted(2), CHECK), "{}", failsFirstBatch, true);
        assertThat(tolerated.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(tolerated.output().get(0)).isEqualTo(json("{'Error':'BadBatch','Cause':'items 1 and 2'}"));
        assertThat(tolerated.output().get(2)).isEqualTo(json("{'Items':[5,6]}"));

        ExecutionResult beyond = run(map(fields.formatted(1), CHECK), "{}", failsFirstBatch, true);
        assertThat(beyond.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(beyond.error()).isEqualTo("States.ExceedToleratedFailureThreshold");
        assertThat(beyond.cause()).contains("2 of 6 items failed");
    }

    @Test
    void readerFailures_areStatesItemReaderFailed_whichCatchHandles() {
        s3.objects.put("not-an-array.json", "{\"a\":1}");
        s3.objects.put("broken.json", "[1,");
        String reader = """
                'ItemReader':{'Resource':'arn:aws:states:::s3:getObject','ReaderConfig':{'InputType':'JSON'},
                  'Parameters':{'Bucket.$':'$.bucket','Key.$':'$.key'}}""";
        String definition = map(reader, PASS);

        ExecutionResult noBucket = run(definition, "{'bucket':'other','key':'x.json'}", r -> r.parameters(), true);
        assertThat(noBucket.error()).isEqualTo("States.ItemReaderFailed");
        assertThat(noBucket.cause()).contains("NoSuchBucket").contains("'other'");

        ExecutionResult noKey = run(definition, "{'bucket':'data','key':'missing.json'}", r -> r.parameters(), true);
        assertThat(noKey.error()).isEqualTo("States.ItemReaderFailed");
        assertThat(noKey.cause()).contains("NoSuchKey");

        ExecutionResult notArray = run(definition, "{'bucket':'data','key':'not-an-array.json'}", r -> r.parameters(), true);
        assertThat(notArray.error()).isEqualTo("States.ItemReaderFailed");
        assertThat(notArray.cause()).contains("must hold a JSON array");

        ExecutionResult broken = run(definition, "{'bucket':'data','key':'broken.json'}", r -> r.parameters(), true);
        assertThat(broken.error()).isEqualTo("States.ItemReaderFailed");
        assertThat(broken.cause()).contains("not valid JSON");

        ExecutionResult noSource = run(definition, "{'bucket':'data','key':'items.json'}", r -> r.parameters(), false);
        assertThat(noSource.error()).isEqualTo("States.ItemReaderFailed");
        assertThat(noSource.cause()).contains("no ItemReaderSource");

        String caught = """
                {'StartAt':'M','States':{'M':{'Type':'Map',%s,
                  'ItemProcessor':{'ProcessorConfig':{'Mode':'DISTRIBUTED','ExecutionType':'STANDARD'},
                    'StartAt':'P','States':%s},
                  'Catch':[{'ErrorEquals':['States.ItemReaderFailed'],'ResultPath':'$.failure','Next':'Done'}],
                  'End':true},'Done':{'Type':'Succeed'}}}""".formatted(reader, PASS);
        ExecutionResult handled = run(caught, "{'bucket':'data','key':'missing.json'}", r -> r.parameters(), true);
        assertThat(handled.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(handled.output().at("/failure/Error").asText()).isEqualTo("States.ItemReaderFailed");
    }

    @Test
    void validation_followsAwsAndSaysWhatIsNotSupportedLocally() {
        String reader = "'ItemReader':{'Resource':'arn:aws:states:::s3:getObject','ReaderConfig':{'InputType':'JSON'},"
                + "'Parameters':{'Bucket':'data','Key':'k'}}";
        assertInvalid("""
                {'StartAt':'M','States':{'M':{'Type':'Map',%s,
                  'ItemProcessor':{'ProcessorConfig':{'Mode':'INLINE'},'StartAt':'P','States':%s},'End':true}}}"""
                .formatted(reader, PASS), "ItemReader is only allowed in a distributed Map state");
        assertInvalid("""
                {'StartAt':'M','States':{'M':{'Type':'Map','ItemBatcher':{'MaxItemsPerBatch':2},
                  'ItemProcessor':{'StartAt':'P','States':%s},'End':true}}}""".formatted(PASS),
                "ItemBatcher is only allowed in a distributed Map state");
        assertInvalid("""
                {'StartAt':'M','States':{'M':{'Type':'Map',
                  'ItemProcessor':{'ProcessorConfig':{'Mode':'DISTRIBUTED'},'StartAt':'P','States':%s},'End':true}}}"""
                .formatted(PASS), "needs ItemProcessor.ProcessorConfig.ExecutionType STANDARD or EXPRESS");
        assertInvalid("""
                {'StartAt':'M','States':{'M':{'Type':'Map',
                  'ItemProcessor':{'ProcessorConfig':{'Mode':'PARALLEL'},'StartAt':'P','States':%s},'End':true}}}"""
                .formatted(PASS), "Mode must be INLINE or DISTRIBUTED");
        assertInvalid(map("'ResultWriter':{'Resource':'arn:aws:states:::s3:putObject','Parameters':{'Bucket':'b'}}",
                PASS), "ResultWriter is not supported by the local runtime");
        assertInvalid(map(reader.replace("'JSON'", "'CSV'"), PASS), "InputType \"CSV\" is not supported");
        assertInvalid(map(reader.replace("getObject", "getObjectAcl"), PASS), "is not supported by the local runtime");
        assertInvalid(map(reader.replace("'Key':'k'", "'Prefix':'k'"), PASS), "needs 'Key'");
        assertInvalid(map(reader + ",'ItemsPath':'$.xs'", PASS), "has both ItemReader and ItemsPath");
        assertInvalid(map("'ItemBatcher':{'MaxInputBytesPerBatch':1024}", PASS), "MaxInputBytesPerBatch is not supported");
        assertInvalid(map("'ItemBatcher':{'BatchInput':{}}", PASS), "exactly one of MaxItemsPerBatch");
        assertInvalid(map("'ItemReader':{'Resource':'arn:aws:states:::s3:listObjectsV2',"
                + "'Parameters':{'Bucket.$':'$.b['}}", PASS), "ItemReader.Parameters");

        // what the training pipeline and its Map states need still loads
        StateMachine.parse(json(map(reader, PASS)));
        StateMachine.parse(json("""
                {'StartAt':'M','States':{'M':{'Type':'Map','ToleratedFailureCount':1,
                  'ItemProcessor':{'ProcessorConfig':{'Mode':'INLINE'},'StartAt':'P','States':%s},'End':true}}}"""
                .formatted(PASS)));
    }

    private static void assertInvalid(String definition, String message) {
        assertThatThrownBy(() -> StateMachine.parse(json(definition)))
                .isInstanceOf(InvalidDefinitionException.class)
                .hasMessageContaining(message);
    }
}
