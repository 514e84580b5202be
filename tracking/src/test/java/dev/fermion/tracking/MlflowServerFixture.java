package dev.fermion.tracking;

import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands tests an {@link MlflowServer} shared by every test class of the JVM, stopped when the tests end.
 * Tests that stop the server start their own instead.
 */
final class MlflowServerFixture implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == MlflowServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL);
        return store.getOrComputeIfAbsent(Shared.class, k -> new Shared(), Shared.class).server;
    }

    private static final class Shared implements AutoCloseable {
        final MlflowServer server = MlflowServer.start(
                Path.of("target", "mlflow-" + UUID.randomUUID()).toAbsolutePath());

        @Override
        public void close() {
            server.stop();
        }
    }
}
