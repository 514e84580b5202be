package dev.fermion.compiler;

import java.time.Duration;
import java.util.Locale;

/** Durations as Argo reads them (a memoization's {@code maxAge}, a retry's backoff): Go duration strings. */
final class GoDurations {
    private GoDurations() {}

    /** A Go duration string ({@code 1h30m}, {@code 45s}, {@code 250ms}), the form Argo parses. */
    static String of(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.toSeconds() == 0 || d.toMillisPart() != 0) {
            return d.toMillis() + "ms";
        }
        StringBuilder b = new StringBuilder();
        long hours = d.toHours();
        if (hours > 0) {
            b.append(hours).append('h');
        }
        if (d.toMinutesPart() > 0) {
            b.append(d.toMinutesPart()).append('m');
        }
        if (d.toSecondsPart() > 0) {
            b.append(d.toSecondsPart()).append('s');
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }
}
