package dev.fermion.dsl;

/**
 * Makes a pipeline discoverable by {@code fermion list}, {@code compile} and {@code run}: list the
 * implementing class in {@code META-INF/services/dev.fermion.dsl.PipelineSource}, or name the class on the
 * command line. Implementations need a public no-argument constructor.
 */
public interface PipelineSource {
    Pipeline pipeline();
}
