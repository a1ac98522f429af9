/**
 * The engine's published state: the desired services (from the service files) and the observed status of every
 * service's pods. Both are immutable snapshots behind an {@code AtomicReference}, so readers (the API, the proxy)
 * never take a lock.
 */
@NullMarked
package io.orbit.engine.state;

import org.jspecify.annotations.NullMarked;
