/** The command line: the daemon's flags (Orbit's, kept) and the sub-commands. */
@NullMarked
package io.orbit.daemon.cli;

import org.jspecify.annotations.NullMarked;
