package dev.fermion.compiler;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MlflowSettingsTest {

    @Test
    void credentialsInTheUriAreRefusedWithoutRepeatingThem() {
        assertThatThrownBy(() -> MlflowSettings.parse("https://alice:s3cret@mlflow.example.com", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--mlflow-token-secret")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void onlyHttpServersAreAccepted() {
        assertThatThrownBy(() -> MlflowSettings.parse("file:///tmp/mlruns", null))
                .hasMessageContaining("http(s)");
        assertThatThrownBy(() -> MlflowSettings.parse("databricks", null)).hasMessageContaining("http(s)");
    }

    @Test
    void theTokenIsASecretAndKey() {
        MlflowSettings settings = MlflowSettings.parse("http://mlflow:5000", "mlflow-credentials/token");
        assertThat(settings.token().secret()).isEqualTo("mlflow-credentials");
        assertThat(settings.token().key()).isEqualTo("token");
        assertThatThrownBy(() -> MlflowSettings.parse("http://mlflow:5000", "mlflow-credentials"))
                .hasMessageContaining("SECRET/KEY");
        assertThatThrownBy(() -> MlflowSettings.parse("http://mlflow:5000", "a/b/c"))
                .hasMessageContaining("SECRET/KEY");
    }

    @Test
    void theTokenVariableOnlyNamesTheSecret() {
        var env = MlflowSettings.parse("http://mlflow:5000", "mlflow-credentials/token").env("exp");
        var token = env.stream().filter(e -> e.getName().equals("MLFLOW_TRACKING_TOKEN")).findFirst().orElseThrow();
        assertThat(token.getValue()).isNull();
        assertThat(token.getValueFrom().getSecretKeyRef().getName()).isEqualTo("mlflow-credentials");
        assertThat(MlflowSettings.parse("http://mlflow:5000", null).env("exp"))
                .noneMatch(e -> e.getName().equals("MLFLOW_TRACKING_TOKEN"));
    }
}
