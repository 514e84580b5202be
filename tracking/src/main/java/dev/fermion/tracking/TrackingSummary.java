package dev.fermion.tracking;

import java.nio.file.Path;

/**
 * What tracking a pipeline run came to.
 *
 * @param spooled  operations that wait in {@code spoolDir} for a sync because MLflow was unavailable
 * @param rejected operations MLflow refused; they are in the log
 */
public record TrackingSummary(UiLinks links, long spooled, long rejected, Path spoolDir) {
    public boolean complete() {
        return spooled == 0 && rejected == 0;
    }
}
