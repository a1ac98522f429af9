/**
 * The way in and the way out: {@link io.orbit.interop.compose} turns a Compose file into Orbit service files, {@link
 * io.orbit.interop.kube} and {@link io.orbit.interop.swarm} turn validated Orbit services into Kubernetes objects or a
 * Compose file for {@code docker stack deploy}. Orbit files are read and checked only through the engine's parser and
 * validator. Whatever a target cannot express becomes a {@link io.orbit.interop.Warning} naming the file, the field and
 * why: nothing is dropped silently.
 */
@NullMarked
package io.orbit.interop;

import org.jspecify.annotations.NullMarked;
