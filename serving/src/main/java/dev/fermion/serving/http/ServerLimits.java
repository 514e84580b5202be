package dev.fermion.serving.http;

/**
 * What the HTTP side of the server takes on at once, however many clients call: a fixed number of
 * threads that read requests and write answers (never the ones that predict), and the largest request
 * body it reads. With each model's fixed workers and bounded queue, they bound the server's threads and
 * the requests it holds in memory.
 *
 * @param httpThreads     Jetty's threads, all started at once: one accepts connections, one watches them,
 *                        the rest read requests, answer health and metadata calls, and write answers
 * @param maxRequestBytes larger request bodies are refused with 413 before they are read whole
 */
public record ServerLimits(int httpThreads, long maxRequestBytes) {
    public static final int DEFAULT_HTTP_THREADS = 16;
    public static final long DEFAULT_MAX_REQUEST_BYTES = 4L * 1024 * 1024;
    /** A body is read into one array, and a larger batch belongs to BatchPredict anyway. */
    public static final long MAX_REQUEST_BYTES = 1024L * 1024 * 1024;

    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;
    /** The acceptor, the selector and two threads for requests. */
    public static final int MIN_HTTP_THREADS = 4;

    public ServerLimits {
        if (httpThreads < MIN_HTTP_THREADS) {
            throw new IllegalArgumentException("The server needs at least " + MIN_HTTP_THREADS + " HTTP threads "
                    + "(one accepts connections, one watches them, the others serve requests), got " + httpThreads);
        }
        if (maxRequestBytes < 1 || maxRequestBytes > MAX_REQUEST_BYTES) {
            throw new IllegalArgumentException("The request size limit must be from 1 byte to "
                    + describe(MAX_REQUEST_BYTES) + ", got " + maxRequestBytes);
        }
    }

    /** {@code bytes} as people write it: {@code 16 MiB}, {@code 512 KiB}, else in bytes. */
    public static String describe(long bytes) {
        if (bytes % MIB == 0) {
            return bytes / MIB + " MiB";
        }
        return bytes % KIB == 0 ? bytes / KIB + " KiB" : bytes + " bytes";
    }

    /**
     * Room for batches of tens of thousands of rows (larger batches belong to BatchPredict), while the bodies
     * the server may hold at once stay within a container's usual heap.
     */
    public static ServerLimits defaults() {
        return new ServerLimits(DEFAULT_HTTP_THREADS, DEFAULT_MAX_REQUEST_BYTES);
    }
}
