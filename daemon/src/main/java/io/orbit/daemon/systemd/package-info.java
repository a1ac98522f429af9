/** systemd integration: the sd_notify protocol (READY, STATUS, WATCHDOG, RELOADING, STOPPING). */
@NullMarked
package io.orbit.daemon.systemd;

import org.jspecify.annotations.NullMarked;
