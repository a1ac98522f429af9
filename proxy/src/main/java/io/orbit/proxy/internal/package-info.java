/**
 * The proxy's machinery: the HTTP/1.1 data path on Jetty's Connection/EndPoint layer, backend state (health, passive
 * ejection, keep-alive pool), balancing, retries, CoDel shedding and metrics. Not an API.
 */
@NullMarked
package io.orbit.proxy.internal;

import org.jspecify.annotations.NullMarked;
