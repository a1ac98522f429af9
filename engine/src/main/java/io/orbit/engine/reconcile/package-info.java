/**
 * The level-triggered reconciler. Triggers (file changes, runtime events, a periodic resync) only enqueue a service
 * name; a {@link io.orbit.engine.reconcile.Reconciler} worker then runs one {@link
 * io.orbit.engine.reconcile.ServicePass} for that service, never two at once:
 *
 * <pre>
 *   ReconcileQueue ──take──▶ Reconciler worker ──▶ ServicePass.run(service)
 *     1. observe  = PassObserver.observe(service)     Observation: pods by labels, health verdicts, new exits,
 *                                                     the rollout, network-limit support (nothing changes)
 *     2. plan     = PassPlanner.plan(observation)     pure, table-tested: OrphanPolicy, RestartPolicy, ScalePolicy,
 *                                                     RolloutPolicy, NetworkLimitPolicy, exits and rollout notes
 *     3. execute  = PassExecutor.execute(plan)        runtime calls, journal, tc; no decisions
 *     4. publish  = StatusPublisher.publish(service)  StatusStore.put(ServiceStatus)
 *   failure ─▶ ReconcileQueue.done(service, false)    retried with back-off (1 s doubling to 5 min)
 * </pre>
 *
 * A pass whose plan is empty publishes what step 1 read instead of reading the pods again, and the listings whose
 * answer is almost always empty (an earlier Orbit's unlabelled pods, leaked pod networks) are repeated at most once a
 * minute while they find nothing ({@link io.orbit.engine.reconcile.QuietChecks}): the engine's API process spends tens
 * of milliseconds of CPU on each listing of a large service.
 *
 * Every step is idempotent: a pass that is repeated, or interrupted by a crash, converges on the next one.
 */
@NullMarked
package io.orbit.engine.reconcile;

import org.jspecify.annotations.NullMarked;
