/**
 * The event journal: a bounded, in-memory record of everything the daemon did to pods and why (started, removed,
 * failed, configuration problems), served at {@code GET /events} and printed by {@code orbit events}; every entry is
 * also a JSON log line.
 */
@NullMarked
package io.orbit.engine.journal;

import org.jspecify.annotations.NullMarked;
