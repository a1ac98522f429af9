/**
 * Wire code shared by the Podman and Docker adapters: HTTP/1.1 over a Unix socket (HttpClient 5 classic on
 * junixsocket, pooled keep-alive connections), JSON, the engines' multiplexed exec stream and a self-reconnecting
 * event stream. It knows nothing of either engine's endpoints or status codes.
 */
@NullMarked
package io.orbit.runtime.http;

import org.jspecify.annotations.NullMarked;
