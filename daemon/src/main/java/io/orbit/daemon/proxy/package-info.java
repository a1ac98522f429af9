/** The proxy inside the daemon: started before the engine, stopped after it, so every drain has a proxy to ask. */
@NullMarked
package io.orbit.daemon.proxy;

import org.jspecify.annotations.NullMarked;
