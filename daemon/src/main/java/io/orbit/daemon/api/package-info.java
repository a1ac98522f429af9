/**
 * The daemon's HTTP API: status, metrics, health, the event journal and service logs, and the changes the CLI asks
 * for (scale, restart), on the TCP address and on the control socket, with who may change what decided in {@link
 * io.orbit.daemon.api.ControlAccess}.
 */
@NullMarked
package io.orbit.daemon.api;

import org.jspecify.annotations.NullMarked;
