package dev.fermion.components.files;

import java.util.List;
import org.apache.beam.sdk.io.FileSystem;
import org.apache.beam.sdk.io.FileSystemRegistrar;
import org.apache.beam.sdk.options.PipelineOptions;

/** Registers {@link ClasspathFileSystem} with Beam (through META-INF/services), for the class loader of the caller. */
public final class ClasspathFileSystemRegistrar implements FileSystemRegistrar {
    @Override
    public Iterable<FileSystem<?>> fromOptions(PipelineOptions options) {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return List.of(new ClasspathFileSystem(
                context != null ? context : ClasspathFileSystemRegistrar.class.getClassLoader()));
    }
}
