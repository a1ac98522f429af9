/**
 * The {@link io.orbit.runtime.ContainerRuntime} adapter for dockerd's Engine API (v1.41) over its Unix socket. Only
 * {@link io.orbit.runtime.docker.DockerContainerRuntime} is API; the wire records and mappings live in {@code
 * internal}.
 */
@NullMarked
package io.orbit.runtime.docker;

import org.jspecify.annotations.NullMarked;
