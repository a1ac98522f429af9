/** One Guice module per engine, chosen once in {@code Main} (no conditionals inside modules). */
@NullMarked
package io.orbit.daemon.runtime;

import org.jspecify.annotations.NullMarked;
