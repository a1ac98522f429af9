/** The daemon's HTTP API: status, metrics, health. */
@NullMarked
package io.orbit.daemon.api;

import org.jspecify.annotations.NullMarked;
