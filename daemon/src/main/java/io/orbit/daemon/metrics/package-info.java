/** The Prometheus registry and the engine's meters. */
@NullMarked
package io.orbit.daemon.metrics;

import org.jspecify.annotations.NullMarked;
