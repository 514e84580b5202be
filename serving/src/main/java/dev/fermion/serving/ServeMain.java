package dev.fermion.serving;

import dev.fermion.serving.http.InferenceServer;
import dev.fermion.serving.model.ServedModel;
import dev.fermion.serving.source.ModelSources;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code fermion-serve}: loads every model, then listens and prints the URL it serves at. Exit status 2
 * means a bad command line, 1 a model that could not be loaded or a port that could not be bound.
 */
public final class ServeMain {
    private ServeMain() {}

    public static void main(String[] args) {
        ServeOptions options;
        try {
            options = ServeOptions.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println("fermion-serve: " + e.getMessage());
            System.err.println(ServeOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(ServeOptions.USAGE);
            return;
        }
        List<ServedModel> models = new ArrayList<>();
        try {
            ModelSources sources = ModelSources.standard();
            for (Map.Entry<String, String> model : options.models().entrySet()) {
                models.add(ServedModel.load(
                        model.getKey(),
                        model.getValue(),
                        sources.resolve(model.getValue()),
                        options.workers(),
                        options.maxQueue()));
            }
            InferenceServer server = InferenceServer.start(models, options.host(), options.port(), options.limits());
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "fermion-serve-shutdown"));
            System.out.println("fermion-serve listening on " + server.uri());
            for (ServedModel model : models) {
                System.out.println("  model '" + model.name() + "' from " + model.location() + " (" + model.workers()
                        + " workers, " + model.maxQueued() + " may wait)");
            }
        } catch (RuntimeException e) {
            models.forEach(ServedModel::close);
            System.err.println("fermion-serve: " + e.getMessage());
            System.exit(1);
        }
    }
}
