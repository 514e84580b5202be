package dev.fermion.serving.source;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** The sources the server knows, tried in order. */
public final class ModelSources {
    private final List<ModelSource> sources;

    public ModelSources(List<ModelSource> sources) {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("The server needs at least one model source");
        }
        this.sources = List.copyOf(sources);
    }

    /** The sources of this build: local directories only, until a registry source is added. */
    public static ModelSources standard() {
        return new ModelSources(List.of(new LocalDirectorySource()));
    }

    public Path resolve(String location) {
        for (ModelSource source : sources) {
            if (source.accepts(location)) {
                return source.resolve(location);
            }
        }
        throw new IllegalArgumentException("No model source reads location '" + location + "'; this server " + "reads "
                + sources.stream().map(ModelSource::describe).collect(Collectors.joining(" or ")));
    }
}
