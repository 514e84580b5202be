package dev.fermion.dsl;

/** Something in a pipeline that other steps can be ordered after: a step or a loop. */
public interface Node {
    String name();
}
