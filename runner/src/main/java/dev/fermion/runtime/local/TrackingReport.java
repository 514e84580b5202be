package dev.fermion.runtime.local;

import dev.fermion.tracking.TrackingSummary;

/**
 * What tracking made of a finished run.
 *
 * @param summary      the tracker's account (links, what was spooled or rejected); null when tracking never
 *                     started or stopped mid-run
 * @param registration the model the run was to register; null when none
 * @param registered   whether that model was registered
 * @param notRegistered why it was not (the run failed, the step did not run, tracking incomplete); null otherwise
 */
public record TrackingReport(
        TrackingSummary summary, ModelRegistration registration, boolean registered, String notRegistered) {}
