/**
 * The level-triggered reconciler. Triggers (file changes, runtime events, a periodic resync) only enqueue a service
 * name; a worker then runs one pass for that service, never two at once:
 *
 * <pre>
 *   ReconcileQueue ──take──▶ ServiceWorker.reconcile(service)
 *                              1. desired   = DesiredState.service(name)          (validated service files)
 *                              2. observed  = PodObserver.observe(name)           (containers by labels only)
 *                              3. plan      = ServiceReconciler.plan(desired, observed)   (pure, table-tested)
 *                              4. apply     = PlanExecutor.apply(plan)            (runtime calls, no decisions)
 *                              5. publish   = StatusStore.update(name, observed')
 *                            failure ─▶ ReconcileQueue.retryLater(name)  (1 s doubling to 5 min)
 * </pre>
 *
 * Every step is idempotent: a pass that is repeated, or interrupted by a crash, converges on the next one.
 */
@NullMarked
package io.orbit.engine.reconcile;

import org.jspecify.annotations.NullMarked;
