package io.orbit.engine.health;

/** Runs one probe against one container, blocking at most the probe's timeout (plus an engine call for exec). */
@FunctionalInterface
public interface ProbeRunner {

    ProbeResult run(Probe probe, ProbeTarget target);
}
