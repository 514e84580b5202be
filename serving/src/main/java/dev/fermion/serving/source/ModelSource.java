package dev.fermion.serving.source;

import java.nio.file.Path;

/**
 * Where model bundles come from. The server only ever opens a bundle directory on local disk; a source
 * turns the location a user wrote after {@code --model NAME=} into such a directory, copying it from a
 * remote store first where it has to (an MLflow registry, for {@code models:/name@alias}).
 */
public interface ModelSource {
    /** Whether this source understands the location's form; the first source that does resolves it. */
    boolean accepts(String location);

    /** A local directory holding the bundle; fails naming the location when there is none. */
    Path resolve(String location);

    /** The forms of location this source accepts, for the error a location no source takes gets. */
    String describe();
}
