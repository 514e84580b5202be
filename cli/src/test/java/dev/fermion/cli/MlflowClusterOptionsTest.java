package dev.fermion.cli;

import static dev.fermion.cli.CliTest.fermion;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MlflowClusterOptionsTest {

    @Test
    void compileWithTrackingGivesThePodsTheServerAndTheTokenByReference() {
        CliTest.Result r = fermion(
                "compile",
                "squares",
                "--mlflow-uri",
                "http://mlflow.ml.svc:5000",
                "--mlflow-token-secret",
                "mlflow-credentials/token");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out())
                .contains(
                        "name: MLFLOW_TRACKING_URI",
                        "value: http://mlflow.ml.svc:5000",
                        "name: MLFLOW_TRACKING_TOKEN",
                        "name: mlflow-credentials",
                        "--finish-tracking");
    }

    @Test
    void basicAuthGivesThePodsUserAndPasswordByReferenceOnly() {
        CliTest.Result r = fermion(
                "compile",
                "squares",
                "--mlflow-uri",
                "http://mlflow.ml.svc:5000",
                "--mlflow-basic-auth-secret",
                "mlflow-basic-auth");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out())
                .contains(
                        "name: MLFLOW_TRACKING_USERNAME",
                        "name: MLFLOW_TRACKING_PASSWORD",
                        "name: mlflow-basic-auth",
                        "key: username",
                        "key: password");
        CliTest.Result both = fermion(
                "compile",
                "squares",
                "--mlflow-uri",
                "http://mlflow.ml.svc:5000",
                "--mlflow-basic-auth-secret",
                "mlflow-basic-auth",
                "--mlflow-token-secret",
                "mlflow-credentials/token");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("not both");
        assertThat(fermion("compile", "squares", "--mlflow-basic-auth-secret", "mlflow-basic-auth")
                        .err())
                .contains("--mlflow-basic-auth-secret needs --mlflow-uri");
    }

    @Test
    void credentialsInTheUriAreAUsageErrorThatDoesNotEchoThem() {
        CliTest.Result r = fermion("compile", "squares", "--mlflow-uri", "http://bob:hunter2@mlflow:5000");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("must not contain credentials").doesNotContain("hunter2");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aTokenSecretWithoutAServerIsAUsageError() {
        CliTest.Result r = fermion("submit", "squares", "--mlflow-token-secret", "mlflow-credentials/token");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--mlflow-token-secret needs --mlflow-uri");
    }

    @Test
    void withoutTrackingTheWorkflowCarriesNoMlflowSettings() {
        CliTest.Result r = fermion("compile", "squares");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).doesNotContain("MLFLOW_", "FERMION_WORKFLOW_UID", "--finish-tracking");
    }
}
