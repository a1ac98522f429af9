/**
 * The container runtime port: the dozen operations the orchestrator needs from a container engine, expressed as
 * records and typed exceptions. Adapters (Podman's libpod API, Docker's Engine API) implement {@link
 * io.orbit.runtime.ContainerRuntime}; the engine depends on nothing else.
 */
@NullMarked
package io.orbit.runtime;

import org.jspecify.annotations.NullMarked;
