package dev.fermion.serving.metrics;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The server process's threads and memory, under the names Prometheus' Java client gives them, so the
 * usual JVM dashboards and alerts work, and a load test can check the server stays within its bounds.
 */
public final class ProcessMetrics {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMetrics() {}

    public static String exposition() {
        StringBuilder out = new StringBuilder();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        gauge(out, "jvm_threads_current", "Current thread count of the JVM.", threads.getThreadCount());
        gauge(out, "jvm_threads_peak", "Peak thread count of the JVM since it started.", threads.getPeakThreadCount());
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        gauge(out, "jvm_memory_bytes_used", "Used bytes of a memory area.", "area=\"heap\"", heap.getUsed());
        gauge(
                out,
                "jvm_memory_bytes_committed",
                "Committed bytes of a memory area.",
                "area=\"heap\"",
                heap.getCommitted());
        gauge(out, "jvm_memory_bytes_max", "Max bytes of a memory area.", "area=\"heap\"", heap.getMax());
        residentBytes()
                .ifPresent(rss -> gauge(out, "process_resident_memory_bytes", "Resident memory size in bytes.", rss));
        return out.toString();
    }

    /** VmRSS of {@code /proc/self/status}, where there is one (Linux). */
    private static Optional<Long> residentBytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    return Optional.of(Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // No such file off Linux: the metric is left out.
        }
        return Optional.empty();
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        gauge(out, name, help, null, value);
    }

    private static void gauge(StringBuilder out, String name, String help, String labels, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n");
        out.append(name);
        if (labels != null) {
            out.append('{').append(labels).append('}');
        }
        out.append(' ').append(value).append('\n');
    }
}
