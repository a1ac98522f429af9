/**
 * Reading service files: the config directory (recursive, deterministic order), YAML binding to the spec records, and
 * the structural checks Jackson does not make (unknown keys with suggestions, missing required fields). Validation of
 * values and across files is {@link io.orbit.engine.spec.SpecValidator}'s job.
 */
@NullMarked
package io.orbit.engine.config;

import org.jspecify.annotations.NullMarked;
