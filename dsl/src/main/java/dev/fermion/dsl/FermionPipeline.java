package dev.fermion.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a pipeline discoverable by {@code fermion list}, {@code compile}, {@code run} and the Maven plugin,
 * without a {@link PipelineSource} class or a services file: put it on a public static method without
 * parameters that returns the {@link Pipeline}, on a public static {@code Pipeline} field, or on a public class
 * implementing {@link PipelineSource}.
 *
 * <pre>{@code
 * public final class Pipelines {
 *     @FermionPipeline
 *     public static Pipeline iris() { return Pipeline.named("iris").define(p -> ...); }
 * }
 * }</pre>
 *
 * Fermion's annotation processor, which javac finds on the classpath next to the DSL, lists every such
 * element in {@value #INDEX} of the compiled classes, where the command line reads them. The index is written
 * by the compilation that sees the annotated classes: compile the project as a whole (as Maven does), or add
 * {@code -proc:full} on a JDK that runs no processors by default (23 and later).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.METHOD, ElementType.FIELD, ElementType.TYPE})
public @interface FermionPipeline {
    /** Where the processor lists the annotated elements: one per line, {@code CLASS} or {@code CLASS#MEMBER}. */
    String INDEX = "META-INF/fermion/pipelines";
}
