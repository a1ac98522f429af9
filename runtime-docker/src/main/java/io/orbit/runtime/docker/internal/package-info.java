/**
 * Docker's wire shapes and their mapping to the port's records, kept pure so recorded engine JSON can test them.
 * {@link io.orbit.runtime.docker.internal.DockerErrors} is the one place where status codes become exceptions.
 */
@NullMarked
package io.orbit.runtime.docker.internal;

import org.jspecify.annotations.NullMarked;
