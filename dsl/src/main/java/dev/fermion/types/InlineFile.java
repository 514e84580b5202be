package dev.fermion.types;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A constant artifact: one text file written in the pipeline, bound to an artifact input
 * ({@code Dataset}, {@code Directory}) instead of another step's output:
 * {@code step.with(Train.DATA, InlineFile.of("tiny.csv", "x,y\n1,2\n"))}. The step finds a directory holding
 * the file, as for any artifact. On Argo it is a raw artifact, written into the workflow (mind Argo's 1 MiB
 * object limit); locally the runner writes it into the run's directory.
 */
public record InlineFile(String name, String content) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public InlineFile {
        if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
            throw new IllegalArgumentException("Invalid inline file name '" + name + "': use one file name of letters, "
                    + "digits, '.', '_' and '-' (no directories), such as \"config.json\"");
        }
        Objects.requireNonNull(content, () -> "inline file '" + name + "' has no content");
    }

    public static InlineFile of(String name, String content) {
        return new InlineFile(name, content);
    }

    /**
     * The content digest of the directory holding just this file, as the launcher computes it for any artifact
     * ({@code ContentDigest}: SHA-256 over each file's relative path and bytes, each length-prefixed), so a step
     * fed this constant is cached like one fed the same file by another step.
     */
    public String digest() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] path = name.getBytes(StandardCharsets.UTF_8);
            byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
            md.update((path.length + ":").getBytes(StandardCharsets.UTF_8));
            md.update(path);
            md.update((bytes.length + ":").getBytes(StandardCharsets.UTF_8));
            md.update(bytes);
            return "sha256:" + HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }
}
