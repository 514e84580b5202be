package dev.fermion.deploy;

import dev.fermion.components.model.ModelBundle;
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

/**
 * The content digest of a model bundle: SHA-256 over each bundle file's name, size and bytes, in name
 * order, the scheme of the runner's artifact digests. It names what a deployment serves, wherever the bundle lies and whatever version it is deployed as, so an
 * unchanged model is recognised as already served.
 */
public final class ModelDigest {
    private ModelDigest() {}

    public static String of(Path bundle) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
        byte[] buffer = new byte[64 * 1024];
        for (String file : ModelBundle.files().stream().sorted().toList()) {
            Path path = bundle.resolve(file);
            if (!Files.isRegularFile(path)) {
                throw new IllegalArgumentException("Model bundle " + bundle + " lacks " + file
                        + "; it is incomplete, so retrain it rather than deploy it");
            }
            try (InputStream in = Files.newInputStream(path)) {
                update(md, file.getBytes(StandardCharsets.UTF_8), Files.size(path));
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    md.update(buffer, 0, n);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read model file " + path, e);
            }
        }
        return "sha256:" + HexFormat.of().formatHex(md.digest());
    }

    private static void update(MessageDigest md, byte[] name, long size) {
        for (byte[] part : List.of(
                Long.toString(name.length).getBytes(StandardCharsets.UTF_8),
                new byte[] {':'},
                name,
                Long.toString(size).getBytes(StandardCharsets.UTF_8),
                new byte[] {':'})) {
            md.update(part);
        }
    }
}
