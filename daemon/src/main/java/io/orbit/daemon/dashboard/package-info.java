/**
 * The web dashboard the daemon serves on its API address ({@code /} and {@code /ui/}): static assets from the jar
 * ({@link io.orbit.daemon.dashboard.DashboardAssets}), one Server-Sent Events stream per open page ({@link
 * io.orbit.daemon.dashboard.DashboardStream}) and the last 15 minutes of each service's charts ({@link
 * io.orbit.daemon.dashboard.SeriesRing}, fed by {@link io.orbit.daemon.dashboard.SeriesSampler}). Who may read and
 * change is decided by the API's rules: the routes and the access checks stay in {@code io.orbit.daemon.api}.
 */
@NullMarked
package io.orbit.daemon.dashboard;

import org.jspecify.annotations.NullMarked;
