/**
 * How Orbit names and labels what it creates. Labels are the only source of ownership; names follow Orbit's
 * {@code {service}__{pod}__{container}__{uuid}} pattern so operators recognise them.
 */
@NullMarked
package io.orbit.engine.naming;

import org.jspecify.annotations.NullMarked;
