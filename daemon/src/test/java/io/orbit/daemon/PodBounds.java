package io.orbit.daemon;

import io.orbit.engine.naming.OrbitLabels;
import io.orbit.runtime.ContainerSummary;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Samples a service's pods in the engine every few tens of milliseconds, from the labels alone, and records every
 * instant the bounds did not hold: more pods than {@code upper} (whatever their state), fewer running pods than {@code
 * lower}, two pods with one pod number, two containers of one name in one pod, or more containers in a pod than its
 * size. The bounds are changed by the test as its phases change; the engine's view is independent of the daemon's.
 */
final class PodBounds implements AutoCloseable {

    private static final int KEPT_VIOLATIONS = 40;

    private final EnginePods engine;
    private final String service;
    private final ScheduledExecutorService sampler;
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger violationCount = new AtomicInteger();
    private final AtomicInteger samples = new AtomicInteger();
    private final AtomicInteger samplingErrors = new AtomicInteger();
    private final AtomicInteger mostPods = new AtomicInteger();
    private final AtomicInteger fewestRunning = new AtomicInteger(Integer.MAX_VALUE);
    private volatile int lower;
    private volatile int upper;

    PodBounds(EnginePods engine, String service, int lower, int upper) {
        this.engine = engine;
        this.service = service;
        this.lower = lower;
        this.upper = upper;
        this.sampler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("pod-bounds").daemon().factory());
        sampler.scheduleWithFixedDelay(this::sample, 0, 20, TimeUnit.MILLISECONDS);
    }

    /** From now on: at least {@code lower} running pods, at most {@code upper} pods. */
    void bounds(int lower, int upper) {
        this.lower = lower;
        this.upper = upper;
    }

    private void sample() {
        List<EnginePods.Pod> pods;
        try {
            pods = engine.pods(service);
        } catch (RuntimeException e) {
            samplingErrors.incrementAndGet();
            return;
        }
        samples.incrementAndGet();
        int running = (int) pods.stream().filter(EnginePods.Pod::isRunning).count();
        mostPods.accumulateAndGet(pods.size(), Math::max);
        fewestRunning.accumulateAndGet(running, Math::min);
        List<String> found = new ArrayList<>();
        if (pods.size() > upper) {
            found.add(pods.size() + " pods, more than " + upper);
        }
        if (running < lower) {
            found.add(running + " running pods, fewer than " + lower);
        }
        Map<Integer, Integer> byNumber = new HashMap<>();
        pods.forEach(pod -> byNumber.merge(pod.number(), 1, Integer::sum));
        byNumber.forEach((number, count) -> {
            if (count > 1) {
                found.add(count + " pods with number " + number);
            }
        });
        for (EnginePods.Pod pod : pods) {
            Map<String, Integer> byName = new HashMap<>();
            for (ContainerSummary container : pod.containers()) {
                byName.merge(container.labels().getOrDefault(OrbitLabels.CONTAINER, "?"), 1, Integer::sum);
            }
            byName.forEach((name, count) -> {
                if (count > 1) {
                    found.add(count + " containers '" + name + "' in pod " + pod.number());
                }
            });
            if (pod.containers().size() > pod.expectedSize()) {
                found.add("pod " + pod.number() + " has " + pod.containers().size() + " containers, size "
                        + pod.expectedSize());
            }
        }
        if (!found.isEmpty()) {
            violationCount.incrementAndGet();
            if (violations.size() < KEPT_VIOLATIONS) {
                violations.add(java.time.Instant.now() + " " + found + " in " + pods);
            }
        }
    }

    List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    int violationCount() {
        return violationCount.get();
    }

    int samples() {
        return samples.get();
    }

    int samplingErrors() {
        return samplingErrors.get();
    }

    int mostPods() {
        return mostPods.get();
    }

    int fewestRunning() {
        return fewestRunning.get();
    }

    @Override
    public void close() throws InterruptedException {
        sampler.shutdownNow();
        sampler.awaitTermination(10, TimeUnit.SECONDS);
    }
}
