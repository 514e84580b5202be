package dev.fermion.runtime.local;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Sends what in-process steps print on {@code System.out} and {@code System.err} to their own step log, as
 * a pod's stdout would be, while every other thread keeps printing to the real streams. The target is
 * inherited by threads a step starts.
 */
final class OutputRouting {
    private static final InheritableThreadLocal<PrintStream> TARGET = new InheritableThreadLocal<>();
    private static boolean installed;

    private OutputRouting() {}

    static synchronized void install() {
        if (installed) {
            return;
        }
        System.setOut(new PrintStream(new Router(System.out), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Router(System.err), true, StandardCharsets.UTF_8));
        installed = true;
    }

    static void route(PrintStream target) {
        TARGET.set(target);
    }

    static void clear() {
        TARGET.remove();
    }

    private static final class Router extends OutputStream {
        private final PrintStream fallback;

        Router(PrintStream fallback) {
            this.fallback = fallback;
        }

        private PrintStream target() {
            PrintStream t = TARGET.get();
            return t != null ? t : fallback;
        }

        @Override
        public void write(int b) {
            target().write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            target().write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            target().flush();
        }
    }
}
