package dev.fermion.runtime.local;

import dev.fermion.types.ValueType;
import java.nio.file.Path;

/** A value as the runner passes it on: ValueCodec-encoded text, or an artifact directory with its digest. */
record Resolved(ValueType<?> type, String text, Path artifact, String digest) {

    static Resolved text(ValueType<?> type, String text) {
        return new Resolved(type, text, null, null);
    }

    static Resolved artifact(ValueType<?> type, Path dir, String digest) {
        return new Resolved(type, null, dir, digest);
    }

    boolean isArtifact() {
        return artifact != null;
    }
}
