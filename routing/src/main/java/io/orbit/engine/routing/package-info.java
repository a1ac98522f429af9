/**
 * The proxy's read model: which backends serve each node port, published by the engine as immutable {@link
 * io.orbit.engine.routing.RouteTable} snapshots, and the one call the engine makes into the proxy: drain a backend
 * before its container is stopped. These types form the {@code routing} module, the only Orbit module the proxy
 * depends on; the engine's {@code RoutePublisher}, which builds the table, is in the same package in the engine.
 */
@NullMarked
package io.orbit.engine.routing;

import org.jspecify.annotations.NullMarked;
