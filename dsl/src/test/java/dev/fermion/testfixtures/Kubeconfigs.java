package dev.fermion.testfixtures;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Kubeconfig files for tests of the code that reads them: one context, pointing at fabric8's mock API
 * server or at an address nothing listens on. Shared through this module's test jar.
 */
public final class Kubeconfigs {
    private Kubeconfigs() {}

    /**
     * Writes {@code file} with one current context: the API server at {@code server} (its certificate not
     * checked), {@code namespace}, and a bearer {@code token}.
     */
    public static Path write(Path file, String server, String namespace, String token) throws IOException {
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: test
                  cluster: {server: "%s", insecure-skip-tls-verify: true}
                contexts:
                - name: test
                  context: {cluster: test, user: me, namespace: %s}
                current-context: test
                users:
                - name: me
                  user: {token: %s}
                """.formatted(server, namespace, token), StandardCharsets.UTF_8);
        return file;
    }
}
