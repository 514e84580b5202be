package dev.fermion.tracking;

import java.net.URI;
import java.util.Arrays;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The tracking module's test server ({@link MlflowServerFixture}: real MLflow, skipped without it unless
 * {@code FERMION_REQUIRE_MLFLOW=true}) for tests of other modules; the fixture's types are package-private,
 * so this class sits in their package and hands out the server's URI to test methods that take a
 * {@link Server}.
 *
 * <p>The server is started before such a test rather than while its parameters are resolved: JUnit turns
 * any exception of a parameter resolver, the fixture's "skip this test" included, into an error.
 */
public final class SharedMlflowServer implements BeforeEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(SharedMlflowServer.class);

    /** A running MLflow server, shared by every test of the JVM. */
    public record Server(URI uri) {}

    @Override
    public void beforeEach(ExtensionContext context) {
        if (Arrays.asList(context.getRequiredTestMethod().getParameterTypes()).contains(Server.class)) {
            // The fixture reads only the context; it keeps one server for the whole JVM and stops it at the end.
            MlflowServer server = (MlflowServer) new MlflowServerFixture().resolveParameter(null, context);
            context.getStore(NAMESPACE).put(Server.class, new Server(server.uri()));
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Server.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(NAMESPACE).get(Server.class, Server.class);
    }
}
