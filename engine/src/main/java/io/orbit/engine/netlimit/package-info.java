/**
 * {@code network_limit} enforced with Linux traffic control (Orbit passed it to Docker as device requests no driver
 * understands, so limited containers never started).
 *
 * <ul>
 *   <li>{@link io.orbit.engine.netlimit.NetworkLimit}: the resolved rates and bursts, carried by each container as
 *       labels, so a container restarted in place or adopted after a daemon restart is limited as it was created;
 *   <li>{@link io.orbit.engine.netlimit.TcCommands}: the pure construction of the {@code tc}, {@code ip} and {@code
 *       nsenter} command lines (unit-tested);
 *   <li>{@link io.orbit.engine.netlimit.HostNetworkLimiter}: runs them on the host, after checking once whether it
 *       can (root, tools present);
 *   <li>{@link io.orbit.engine.netlimit.NetworkLimitEnforcer}: applies a started container's limit or reports why it
 *       cannot (WARN log, event journal, {@code /status}); never fails the pod. The reconcile pass plans when: a
 *       new pod's limited containers and every restart in place of a limited container carry a network-limit step,
 *       and a pod whose limit this host cannot enforce is refused before it exists (see the reconcile package).
 * </ul>
 */
@NullMarked
package io.orbit.engine.netlimit;

import org.jspecify.annotations.NullMarked;
