package dev.fermion.tracking;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Reads the checked-out commit from {@code .git} directly, so tracking needs no git binary. */
final class GitCommit {
    private GitCommit() {}

    /** The commit of the repository containing {@code dir}, if any. */
    static Optional<String> of(Path dir) {
        for (Path d = dir == null ? null : dir.toAbsolutePath(); d != null; d = d.getParent()) {
            Path git = d.resolve(".git");
            if (Files.isDirectory(git)) {
                return read(git);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> read(Path git) {
        try {
            String head = Files.readString(git.resolve("HEAD"), StandardCharsets.UTF_8)
                    .trim();
            if (!head.startsWith("ref: ")) {
                return Optional.of(head);
            }
            String ref = head.substring("ref: ".length());
            Path loose = git.resolve(ref);
            if (Files.isRegularFile(loose)) {
                return Optional.of(
                        Files.readString(loose, StandardCharsets.UTF_8).trim());
            }
            Path packed = git.resolve("packed-refs");
            if (Files.isRegularFile(packed)) {
                for (String line : Files.readAllLines(packed, StandardCharsets.UTF_8)) {
                    if (line.endsWith(" " + ref)) {
                        return Optional.of(line.substring(0, line.indexOf(' ')));
                    }
                }
            }
            // A branch with no commit yet.
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
