package dev.fermion.runtime.launch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The content digest of an artifact directory: SHA-256 over every regular file's path relative to the
 * directory ('/'-separated, sorted) followed by its bytes. Two directories with the same files digest the
 * same wherever they live, which is what lets caches key on artifact content.
 */
public final class ContentDigest {
    private ContentDigest() {}

    public static String of(Path dir) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("artifact " + dir + " is not a directory");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile)
                    .sorted((a, b) -> relative(dir, a).compareTo(relative(dir, b)))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list artifact " + dir, e);
        }
        byte[] buffer = new byte[64 * 1024];
        for (Path file : files) {
            byte[] name = relative(dir, file).getBytes(StandardCharsets.UTF_8);
            md.update(Long.toString(name.length).getBytes(StandardCharsets.UTF_8));
            md.update((byte) ':');
            md.update(name);
            try (InputStream in = Files.newInputStream(file)) {
                md.update(Long.toString(Files.size(file)).getBytes(StandardCharsets.UTF_8));
                md.update((byte) ':');
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    md.update(buffer, 0, n);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read artifact file " + file, e);
            }
        }
        return "sha256:" + HexFormat.of().formatHex(md.digest());
    }

    private static String relative(Path dir, Path file) {
        return dir.relativize(file).toString().replace('\\', '/');
    }
}
