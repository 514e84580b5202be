package dev.fermion.components.data;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Writes the lines of one part file as they are formatted. Each line is formatted into a small buffer that
 * goes to the file, as UTF-8, whenever it fills. A chunk's part is megabytes: built whole as a string, it was
 * copied twice more on its way to bytes, and on two busy cores the collector's work on those large arrays
 * cost Beam more than writing them.
 */
final class PartWriter implements Closeable {
    /** Written out once the buffer holds this many characters; a whole line is always written at once. */
    private static final int FLUSH_AT = 1 << 15;

    private final WritableByteChannel channel;
    private final StringBuilder text = new StringBuilder(FLUSH_AT + 512);
    private final CharsetEncoder encoder = StandardCharsets.UTF_8
            .newEncoder()
            // As String.getBytes writes text that is not valid UTF-16: '?' for a lone surrogate.
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private char[] chars = new char[FLUSH_AT + 512];
    private ByteBuffer bytes = ByteBuffer.allocate(3 * (FLUSH_AT + 512));

    PartWriter(WritableByteChannel channel) {
        this.channel = channel;
    }

    /** Where the next line is formatted, without its line break; {@link #endLine} ends it. */
    StringBuilder line() {
        return text;
    }

    void endLine() throws IOException {
        text.append('\n');
        if (text.length() >= FLUSH_AT) {
            flush();
        }
    }

    /** Encodes what the buffer holds, whole lines only, so no character is cut between two writes. */
    private void flush() throws IOException {
        int n = text.length();
        if (n == 0) {
            return;
        }
        if (chars.length < n) {
            chars = new char[n];
            bytes = ByteBuffer.allocate(3 * n);
        }
        text.getChars(0, n, chars, 0);
        text.setLength(0);
        bytes.clear();
        encoder.reset();
        // Three bytes a character at most, so the buffer always holds the whole text.
        CoderResult encoded = encoder.encode(CharBuffer.wrap(chars, 0, n), bytes, true);
        if (!encoded.isUnderflow()) {
            encoded.throwException();
        }
        encoder.flush(bytes);
        bytes.flip();
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    @Override
    public void close() throws IOException {
        try (channel) {
            flush();
        }
    }
}
