package dev.fermion.tracking.delivery;

import dev.fermion.tracking.mlflow.Metric;
import dev.fermion.tracking.mlflow.MlflowException;
import dev.fermion.tracking.mlflow.Param;
import dev.fermion.tracking.mlflow.Tag;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends tracking operations from one background thread so callers never wait on MLflow. Metrics and
 * params that pile up are merged into few {@code log-batch} requests. When MLflow stays unavailable
 * after the client's retries, or refuses the credentials, this delivery stops trying and spools everything
 * from then on, in order, for {@link Spool#replay}; so does an operation that finds the bounded queue full.
 *
 * <p>In strict mode a full queue makes the caller wait instead, and the first failure is kept for
 * {@link #failure()} so the caller can propagate it.
 */
public final class Delivery {
    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);

    private final MlflowWriter writer;
    private final Spool spool;
    private final String session;
    private final boolean strict;
    private final BlockingQueue<TrackingOp> queue;
    private final AtomicLong seq = new AtomicLong();
    private final Object progress = new Object();
    private final Thread thread;
    private long submitted;
    private long handled;
    private long spooled;
    private long rejected;
    private volatile boolean degraded;
    private volatile boolean stopping;
    private volatile RuntimeException failure;

    public Delivery(MlflowWriter writer, Spool spool, String session, int capacity, boolean strict) {
        this.writer = writer;
        this.spool = spool;
        this.session = session;
        this.strict = strict;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::loop, "fermion-mlflow-" + session);
        thread.setDaemon(true);
        thread.start();
    }

    public Spool spool() {
        return spool;
    }

    /** Queues {@code op}; never blocks unless strict. */
    public void submit(TrackingOp op) {
        synchronized (progress) {
            submitted++;
        }
        if (queue.offer(op)) {
            return;
        }
        if (strict) {
            try {
                queue.put(op);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        spoolOne(op);
        done(1);
    }

    /** Waits until everything submitted so far was sent, spooled or rejected; false on timeout. */
    public boolean flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (handled < submitted) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                try {
                    progress.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Sends what is queued within {@code timeout}, spools whatever is left after it, and stops the thread.
     */
    public void close(Duration timeout) {
        if (!flush(timeout)) {
            LOG.warn(
                    "MLflow did not take every tracking operation within {}; spooling the rest to {}",
                    timeout,
                    spool.dir());
            degraded = true;
            thread.interrupt();
        }
        stopping = true;
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<TrackingOp> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(this::spoolOne);
        done(left.size());
    }

    /** Operations written to the spool instead of MLflow. */
    public long spooled() {
        synchronized (progress) {
            return spooled;
        }
    }

    /** Operations MLflow refused (bad requests, not outages); they are logged, not retried. */
    public long rejected() {
        synchronized (progress) {
            return rejected;
        }
    }

    /** The first failure, kept in strict mode. */
    public RuntimeException failure() {
        return failure;
    }

    private void loop() {
        List<TrackingOp> batch = new ArrayList<>();
        while (!(stopping && queue.isEmpty())) {
            try {
                TrackingOp first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
            } catch (InterruptedException e) {
                // close() interrupts to cut a slow request short; degraded is set, so the rest is spooled.
                continue;
            }
            queue.drainTo(batch, 10_000);
            int count = batch.size();
            for (TrackingOp op : coalesce(batch)) {
                handle(op);
            }
            batch.clear();
            done(count);
        }
    }

    private void handle(TrackingOp op) {
        if (degraded) {
            spoolOne(op);
            return;
        }
        try {
            op.applyTo(writer);
        } catch (MlflowException e) {
            if (e.sendableLater()) {
                degraded = true;
                LOG.warn(
                        "MLflow {} ({}); tracking continues into the spool {}, send it later with a tracking sync",
                        e.authenticationFailure() ? "refuses these credentials" : "is unavailable",
                        e.getMessage(),
                        spool.dir());
                spoolOne(op);
            } else {
                reject(op, e);
            }
            if (strict && failure == null) {
                failure = e;
            }
        } catch (RuntimeException e) {
            reject(op, e);
            if (strict && failure == null) {
                failure = e;
            }
        }
    }

    private void reject(TrackingOp op, RuntimeException e) {
        synchronized (progress) {
            rejected++;
        }
        LOG.warn("MLflow tracking operation for {} failed: {}", op.run().key(), e.getMessage());
    }

    private void spoolOne(TrackingOp op) {
        spool.append(session, seq.incrementAndGet(), op);
        synchronized (progress) {
            spooled++;
        }
    }

    private void done(int count) {
        synchronized (progress) {
            handled += count;
            progress.notifyAll();
        }
    }

    /** Merges runs of consecutive {@link TrackingOp.Log}s for the same run into one. */
    static List<TrackingOp> coalesce(List<TrackingOp> ops) {
        List<TrackingOp> out = new ArrayList<>();
        TrackingOp.Log open = null;
        List<Metric> metrics = new ArrayList<>();
        List<Param> params = new ArrayList<>();
        List<Tag> tags = new ArrayList<>();
        for (TrackingOp op : ops) {
            if (op instanceof TrackingOp.Log log && open != null && open.run().equals(op.run())) {
                metrics.addAll(log.metrics());
                params.addAll(log.params());
                tags.addAll(log.tags());
                continue;
            }
            if (open != null) {
                out.add(new TrackingOp.Log(open.run(), metrics, params, tags));
                open = null;
            }
            if (op instanceof TrackingOp.Log log) {
                open = log;
                metrics = new ArrayList<>(open.metrics());
                params = new ArrayList<>(open.params());
                tags = new ArrayList<>(open.tags());
            } else {
                out.add(op);
            }
        }
        if (open != null) {
            out.add(new TrackingOp.Log(open.run(), metrics, params, tags));
        }
        return out;
    }
}
