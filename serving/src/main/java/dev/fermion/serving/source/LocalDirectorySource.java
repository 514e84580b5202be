package dev.fermion.serving.source;

import java.nio.file.Files;
import java.nio.file.Path;

/** Bundles already on local disk: a directory path, or a {@code file:} URI of one. */
public final class LocalDirectorySource implements ModelSource {
    private static final String FILE_SCHEME = "file:";

    @Override
    public boolean accepts(String location) {
        // A URI scheme of two or more letters marks a remote store; one letter is a Windows drive.
        int colon = location.indexOf(':');
        return location.startsWith(FILE_SCHEME)
                || colon < 2
                || location.substring(0, colon).contains("/");
    }

    @Override
    public Path resolve(String location) {
        Path directory;
        try {
            directory = location.startsWith(FILE_SCHEME) ? Path.of(java.net.URI.create(location)) : Path.of(location);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Model location '" + location + "' is not a valid path: " + e.getMessage(), e);
        }
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("Model location '" + location + "' is not a directory: pass the "
                    + "'model' output directory of TrainMlp");
        }
        return directory.toAbsolutePath().normalize();
    }

    @Override
    public String describe() {
        return "a local directory (path or file: URI)";
    }
}
