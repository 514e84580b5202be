package dev.fermion.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fermion.contract.TrackingEnv;
import dev.fermion.tracking.mlflow.MlflowCredentials;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MlflowCredentialsTest {

    @Test
    void aUserAndPasswordWinOverATokenAsInMlflowsOwnClient() {
        var both = MlflowCredentials.fromEnvironment(
                Map.of(TrackingEnv.USERNAME, "alice", TrackingEnv.PASSWORD, "s3cret", TrackingEnv.TOKEN, "tok"));

        assertThat(both.authorization()).hasValue("Basic YWxpY2U6czNjcmV0");
        assertThat(MlflowCredentials.fromEnvironment(Map.of(TrackingEnv.TOKEN, "tok"))
                        .authorization())
                .hasValue("Bearer tok");
        assertThat(MlflowCredentials.fromEnvironment(Map.of(TrackingEnv.TOKEN, " "))
                        .present())
                .isFalse();
        assertThat(MlflowCredentials.fromEnvironment(Map.of())).isEqualTo(MlflowCredentials.none());
    }

    @Test
    void halfAPairIsAnErrorNamingTheMissingVariable() {
        assertThatThrownBy(() -> MlflowCredentials.fromEnvironment(Map.of(TrackingEnv.USERNAME, "alice")))
                .hasMessageContaining("MLFLOW_TRACKING_USERNAME is set but MLFLOW_TRACKING_PASSWORD is not");
        assertThatThrownBy(() -> MlflowCredentials.fromEnvironment(Map.of(TrackingEnv.PASSWORD, "s3cret")))
                .hasMessageContaining("MLFLOW_TRACKING_PASSWORD is set but MLFLOW_TRACKING_USERNAME is not")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
        assertThatThrownBy(() -> MlflowCredentials.basic("a:b", "c")).hasMessageContaining("must not contain ':'");
    }

    @Test
    void noSecretIsEverPrinted() {
        assertThat(MlflowCredentials.basic("alice", "s3cret").toString()).isEqualTo("MlflowCredentials[user alice]");
        assertThat(MlflowCredentials.token("tok-123").toString()).isEqualTo("MlflowCredentials[token]");
        assertThat(TrackingOptions.of(
                                java.net.URI.create("http://127.0.0.1:1"),
                                MlflowCredentials.token("tok-123"),
                                java.nio.file.Path.of("h"))
                        .toString())
                .doesNotContain("tok-123")
                .contains("MlflowCredentials[token]");
    }
}
