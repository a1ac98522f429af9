/**
 * The autoscaler's pure core (DESIGN-NOTES §4): per service, a clock-driven decision from CPU/memory ratios, in-flight
 * concurrency with stable and panic windows, and CoDel as a booster, combined by max, clamped to [min, max], then
 * rate-limited up and stabilised down. It only ever proposes desired replicas; the reconciler creates and removes pods.
 * {@link io.orbit.engine.autoscale.StatsSampler} gathers container stats for all services in one batch per tick.
 */
@NullMarked
package io.orbit.engine.autoscale;

import org.jspecify.annotations.NullMarked;
