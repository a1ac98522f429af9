/**
 * Durable state (issue 14): what the daemon decided that the container engine cannot tell it after a restart (replica
 * pins, the autoscaler's counts, rollout tokens, known-good and failed specs, the restart ledger, the journal), kept in
 * small files under {@code --state-dir}. Writes are crash-safe ({@link io.orbit.engine.persist.StateFile}), reads are
 * strict, and a file that does not read is set aside, never a reason not to start. One writer thread
 * ({@link io.orbit.engine.persist.StateStore}) writes off the reconcile path. See docs/adr/0005-durable-state-files.md.
 */
@NullMarked
package io.orbit.engine.persist;

import org.jspecify.annotations.NullMarked;
