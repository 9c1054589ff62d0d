package dev.flywheel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

/** A home with a model trained by {@code flywheel pipeline run} on the bundled German Credit data. */
final class TrainedHome {
    static final Path CREDIT_G = Path.of("../examples/credit-g/credit-g.csv");
    static final String MODEL = "credit-risk";

    private TrainedHome() {
    }

    /** Trains one candidate and promotes it: the champion is v1. */
    static void train(Path home) {
        CliRunner.Result result = CliRunner.run("pipeline", "run", "--data", CREDIT_G.toString(), "--target", "class",
                "--model", MODEL, "--candidates", "1", "--json", "--home", home.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.json().path("promoted").asBoolean()).as(result.out()).isTrue();
    }

    /** The first data row of credit-g as a JSON client sends it. */
    static final String FIRST_ROW = """
            {"checking_status": "<0", "duration": 6, "credit_history": "critical/other existing credit",
             "purpose": "radio/tv", "credit_amount": 1169, "savings_status": "no known savings", "employment": ">=7",
             "installment_commitment": 4, "personal_status": "male single", "other_parties": "none",
             "residence_since": 4, "property_magnitude": "real estate", "age": 67, "other_payment_plans": "none",
             "housing": "own", "existing_credits": 2, "job": "skilled", "num_dependents": 1, "own_telephone": "yes",
             "foreign_worker": "yes"}""";

    /** The second data row. */
    static final String SECOND_ROW = """
            {"checking_status": "0<=X<200", "duration": 48, "credit_history": "existing paid", "purpose": "radio/tv",
             "credit_amount": 5951, "savings_status": "<100", "employment": "1<=X<4", "installment_commitment": 2,
             "personal_status": "female div/dep/mar", "other_parties": "none", "residence_since": 2,
             "property_magnitude": "real estate", "age": 22, "other_payment_plans": "none", "housing": "own",
             "existing_credits": 1, "job": "skilled", "num_dependents": 1, "own_telephone": "none",
             "foreign_worker": "yes"}""";
}
