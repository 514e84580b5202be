package dev.fermion.components.data;

/** Something that came from a line of a source file. */
interface Located {
    String file();

    long line();
}
