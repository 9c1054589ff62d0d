package dev.flywheel.training.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flywheel.domain.SplitSpec;
import dev.flywheel.domain.InvalidInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowSplitterTest {
    private static final List<String> HEADER = List.of("id", "age", "class");

    private static RowSplitter splitter(String salt, List<String> identity) {
        return RowSplitter.of(new SplitSpec(SplitSpec.SCHEME, salt, 0.15, 0.15, identity,
                identity.equals(HEADER)), HEADER);
    }

    @Test
    void part_dependsOnTheRowAndTheSaltOnly() {
        RowSplitter a = splitter("credit-risk", HEADER);
        RowSplitter b = splitter("credit-risk", HEADER);
        String[] row = {"17", "31", "good"};

        byte part = a.part(row);
        for (int i = 0; i < 1000; i++) {
            a.part(new String[]{Integer.toString(i), "40", "bad"});
        }
        assertThat(a.part(row)).isEqualTo(part);
        assertThat(b.part(row)).isEqualTo(part);
    }

    @Test
    void part_fallsInEachSplitInItsShare() {
        RowSplitter splitter = splitter("m", HEADER);
        int[] counts = new int[3];
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            counts[splitter.part(new String[]{Integer.toString(i), "x", "y"})]++;
        }
        // 15% each: within 1 percentage point at 20,000 rows (about 4 standard deviations).
        assertThat(counts[RowSplitter.TEST] / (double) n).isBetween(0.14, 0.16);
        assertThat(counts[RowSplitter.VALIDATION] / (double) n).isBetween(0.14, 0.16);
    }

    @Test
    void anotherSalt_givesAnotherSplit() {
        RowSplitter a = splitter("model-a", HEADER);
        RowSplitter b = splitter("model-b", HEADER);
        int differ = 0;
        for (int i = 0; i < 1000; i++) {
            String[] row = {Integer.toString(i), "1", "good"};
            if (a.part(row) != b.part(row)) {
                differ++;
            }
        }
        assertThat(differ).isGreaterThan(300);
    }

    @Test
    void anIdentityColumn_decidesAloneSoCorrectedValuesKeepTheirSide() {
        RowSplitter byId = splitter("m", List.of("id"));

        assertThat(byId.part(new String[]{"42", "31", "good"})).isEqualTo(byId.part(new String[]{"42", "99", "bad"}));
        assertThat(byId.identity(new String[]{"42", "31", "good"})).isEqualTo("2:42");
    }

    @Test
    void identity_cannotBeForgedByShiftingTextBetweenColumns() {
        RowSplitter splitter = splitter("m", HEADER);

        assertThat(splitter.identity(new String[]{"a,b", "c", "d"}))
                .isNotEqualTo(splitter.identity(new String[]{"a", "b,c", "d"}));
    }

    @Test
    void of_refusesAnIdentityColumnTheRowsDoNotHave() {
        SplitSpec spec = new SplitSpec(SplitSpec.SCHEME, "m", 0.15, 0.15, List.of("customer"), false);

        assertThatThrownBy(() -> RowSplitter.of(spec, HEADER)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'customer'");
    }

    @Test
    void rowSet_namesRowsIndependentlyOfTheirOrder() {
        RowSplitter splitter = splitter("m", HEADER);
        String h1 = splitter.identityHash("a");
        String h2 = splitter.identityHash("b");

        assertThat(RowSplitter.rowSet(List.of(h1, h2))).isEqualTo(RowSplitter.rowSet(List.of(h2, h1)));
        assertThat(RowSplitter.rowSet(List.of(h1)).count()).isEqualTo(1);
    }
}
