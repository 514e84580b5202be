package dev.fermion.components.data;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Names the file a chunk of an output is written to after the place of the chunk's first row in the
 * source. Names sort in source order, so concatenating the parts of an output restores the order of the
 * source, and a bundle that a runner retries rewrites the same file with the same rows instead of adding one.
 */
final class PartNames implements Serializable {
    static final String PREFIX = "part-";
    static final String SUFFIX = ".csv";
    private static final long serialVersionUID = 1L;

    private final Map<String, Integer> fileIndex = new HashMap<>();

    PartNames(List<String> files) {
        for (int i = 0; i < files.size(); i++) {
            fileIndex.put(files.get(i), i);
        }
    }

    String name(Located first) {
        Integer index = fileIndex.get(first.file());
        if (index == null) {
            throw new IllegalStateException("Source file " + first.file() + " appeared while the step ran; it was "
                    + "not among the files the source matched when the step started: " + fileIndex.keySet());
        }
        return String.format(Locale.ROOT, "%s%06d-%012d%s", PREFIX, index, first.line(), SUFFIX);
    }
}
