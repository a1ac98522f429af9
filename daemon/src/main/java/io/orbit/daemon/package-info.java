/** The {@code orbit} daemon and CLI: wiring (the only injector), the control API and the process lifecycle. */
@NullMarked
package io.orbit.daemon;

import org.jspecify.annotations.NullMarked;
