package dev.fermion.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MlflowSettingsTest {

    @Test
    void credentialsInTheUriAreRefusedWithoutRepeatingThem() {
        assertThatThrownBy(() -> MlflowSettings.parse("https://alice:s3cret@mlflow.example.com", null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--mlflow-token-secret")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void onlyHttpServersAreAccepted() {
        assertThatThrownBy(() -> MlflowSettings.parse("file:///tmp/mlruns", null, null))
                .hasMessageContaining("http(s)");
        assertThatThrownBy(() -> MlflowSettings.parse("databricks", null, null)).hasMessageContaining("http(s)");
    }

    @Test
    void theTokenIsASecretAndKey() {
        MlflowSettings settings = MlflowSettings.parse("http://mlflow:5000", "mlflow-credentials/token", null);
        assertThat(settings.token().secret()).isEqualTo("mlflow-credentials");
        assertThat(settings.token().key()).isEqualTo("token");
        assertThatThrownBy(() -> MlflowSettings.parse("http://mlflow:5000", "mlflow-credentials", null))
                .hasMessageContaining("SECRET/KEY");
        assertThatThrownBy(() -> MlflowSettings.parse("http://mlflow:5000", "a/b/c", null))
                .hasMessageContaining("SECRET/KEY");
    }

    @Test
    void theTokenVariableOnlyNamesTheSecret() {
        var env = MlflowSettings.parse("http://mlflow:5000", "mlflow-credentials/token", null)
                .env("exp");
        var token = env.stream()
                .filter(e -> e.getName().equals("MLFLOW_TRACKING_TOKEN"))
                .findFirst()
                .orElseThrow();
        assertThat(token.getValue()).isNull();
        assertThat(token.getValueFrom().getSecretKeyRef().getName()).isEqualTo("mlflow-credentials");
        assertThat(MlflowSettings.parse("http://mlflow:5000", null, null).env("exp"))
                .noneMatch(e -> e.getName().equals("MLFLOW_TRACKING_TOKEN"));
    }

    @Test
    void basicAuthReadsUserAndPasswordFromOneSecretByReference() {
        var env = MlflowSettings.parse("http://mlflow:5000", null, "mlflow-basic-auth")
                .env("exp");

        var user = env.stream()
                .filter(e -> e.getName().equals("MLFLOW_TRACKING_USERNAME"))
                .findFirst()
                .orElseThrow();
        var password = env.stream()
                .filter(e -> e.getName().equals("MLFLOW_TRACKING_PASSWORD"))
                .findFirst()
                .orElseThrow();
        assertThat(user.getValue()).isNull();
        assertThat(user.getValueFrom().getSecretKeyRef().getName()).isEqualTo("mlflow-basic-auth");
        assertThat(user.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("username");
        assertThat(password.getValue()).isNull();
        assertThat(password.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("password");
        assertThatThrownBy(() -> MlflowSettings.parse("http://mlflow:5000", "s/token", "mlflow-basic-auth"))
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> MlflowSettings.parse("http://mlflow:5000", null, "Basic Auth"))
                .hasMessageContaining("not a valid Secret name");
    }
}
