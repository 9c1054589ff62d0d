package dev.flywheel.training.preprocess;

import dev.flywheel.domain.Column;
import dev.flywheel.domain.DatasetVersion;
import dev.flywheel.domain.Schema;
import dev.flywheel.domain.SplitSpec;
import dev.flywheel.training.ingest.DatasetFiles;
import dev.flywheel.store.ArtifactStore;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

/** The two reads of a dataset version's rows, each checked against the file's registered sha256. */
final class DatasetRows {
    private static final CSVFormat CSV = CSVFormat.RFC4180.builder().setRecordSeparator("\n").get();
    static final CSVFormat WITH_HEADER = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true)
            .get();

    private DatasetRows() {
    }

    /**
     * Reads the dataset file once into columns, checked against its registered sha256: numeric and boolean
     * features as numbers, categorical features and the target dictionary-encoded, and each row's part.
     */
    static ColumnStore readColumns(ArtifactStore artifacts, DatasetVersion dataset, Column target, SplitSpec split) {
        Schema schema = dataset.schema();
        Set<String> numeric = new HashSet<>();
        Set<String> coded = new HashSet<>();
        coded.add(target.name());
        for (Column c : schema.features()) {
            switch (c.type()) {
                case NUMERIC, BOOLEAN -> numeric.add(c.name());
                case CATEGORICAL -> coded.add(c.name());
                case TEXT -> {
                    // not a feature: never read
                }
            }
        }
        RowSplitter splitter = RowSplitter.of(split, schema.names());
        try (InputStream in = DatasetFiles.open(artifacts, dataset, DatasetFiles.DATA)) {
            return ColumnStore.read(new InputStreamReader(in, StandardCharsets.UTF_8), schema.names(), numeric,
                    coded, dataset.rowCount(), splitter);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dataset " + DatasetFiles.key(dataset, DatasetFiles.DATA), e);
        }
    }

    /**
     * The test rows verbatim, every column, as {@code test.csv}: copied from a second streaming pass over the
     * dataset file (checked again), since the column store keeps only what fitting needs.
     */
    static ProducedInputStream testRows(ArtifactStore artifacts, DatasetVersion dataset, byte[] partOfRow) {
        InputStream in = DatasetFiles.open(artifacts, dataset, DatasetFiles.DATA);
        CSVParser parser;
        try {
            parser = WITH_HEADER.parse(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            closeQuietly(in);
            throw new UncheckedIOException("cannot read dataset " + DatasetFiles.key(dataset, DatasetFiles.DATA), e);
        }
        Iterator<CSVRecord> records = parser.iterator();
        return new ProducedInputStream(new ProducedInputStream.Producer() {
            private CSVPrinter printer;
            private int row;

            @Override
            public boolean writeNext(OutputStream out) throws IOException {
                if (printer == null) {
                    printer = new CSVPrinter(new OutputStreamWriter(out, StandardCharsets.UTF_8), CSV);
                    printer.printRecord(parser.getHeaderNames());
                }
                while (records.hasNext()) {
                    CSVRecord record = records.next();
                    if (partOfRow[row++] == RowSplitter.TEST) {
                        printer.printRecord((Object[]) record.values());
                        printer.flush();
                        return true;
                    }
                }
                printer.flush();
                return false;
            }

            @Override
            public void close() throws IOException {
                parser.close();
            }
        });
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the read already failed; that error is the one reported
        }
    }
}
