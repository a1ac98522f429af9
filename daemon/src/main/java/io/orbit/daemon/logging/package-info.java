/** Log output: JSON lines on stderr. */
@NullMarked
package io.orbit.daemon.logging;

import org.jspecify.annotations.NullMarked;
