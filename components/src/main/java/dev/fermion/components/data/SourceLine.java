package dev.fermion.components.data;

import java.io.Serializable;

/** A line of a source file and where it was: the file and its 1-based line number. */
record SourceLine(String file, long line, String text) implements Serializable {}
