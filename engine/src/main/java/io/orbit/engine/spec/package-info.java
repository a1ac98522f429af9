/**
 * Orbit's service file format, field for field, as records ({@link io.orbit.engine.spec.ServiceSpec} is one YAML
 * file), plus the units Orbit uses and the validation that turns a set of files into problems or resolved services.
 * Unit fields stay raw here (a YAML number and a YAML string mean different things for memory) and are parsed by
 * {@link io.orbit.engine.spec.Units} during validation, so every bad value is reported with its file and field.
 */
@NullMarked
package io.orbit.engine.spec;

import org.jspecify.annotations.NullMarked;
