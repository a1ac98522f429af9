/**
 * How the tests wait: {@link io.orbit.testkit.Poll}, a condition polled with a deadline on Awaitility. Never a fixed
 * sleep as synchronisation.
 */
@NullMarked
package io.orbit.testkit;

import org.jspecify.annotations.NullMarked;
