package io.orbit.proxy.internal;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded pool of equal-sized buffers shared by every connection of a proxy. A connection holds a buffer only while
 * it has bytes to process (as Jetty's own {@code HttpConnection} does): taken when its socket is readable or an
 * exchange starts, given back once it is empty, so an idle or silent connection holds none.
 *
 * <p>It never waits: past its bound {@link #acquire} returns null and the caller fails that one connection. That
 * matters for direct buffers: {@code ByteBuffer.allocateDirect} over the JVM's direct-memory limit does not fail, it
 * blocks the calling thread (the selector) in {@code System.gc()} and sleeps, and with it every connection of that
 * selector. So the bound is kept below the JVM's limit, and a new direct buffer is not allocated when the JVM's direct
 * memory in use (other pools, the JDK's own temporary buffers) would go past it anyway.
 *
 * <p>Free buffers are reused LIFO (the warm ones first) and kept (at most the bound): steady-state traffic allocates
 * nothing. One monitor, held for an array push or pop.
 */
public final class BufferPool {

    private static final Logger log = LoggerFactory.getLogger(BufferPool.class);
    static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final @Nullable BufferPoolMXBean DIRECT_POOL = directPoolBean();

    private final String name;
    private final int bufferSize;
    private final boolean direct;
    private final int maxBuffers;
    private final long jvmDirectLimit;
    private final ByteBuffer[] free;
    private int freeCount;
    private int allocated;
    /** Per buffer of this pool, its one {@link #view}, made when first asked for (guarded by this). */
    private final Map<ByteBuffer, ByteBuffer> views = new IdentityHashMap<>();

    private final AtomicLong exhausted = new AtomicLong();
    private final AtomicLong lastLogNanos = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);
    private final AtomicLong exhaustedSinceLine = new AtomicLong();

    /**
     * @param maxBytes the most this pool ever holds, in use and free together; at least one buffer
     * @param jvmDirectLimit for a direct pool, the JVM's direct-memory limit (see {@link #jvmDirectMemoryLimit})
     */
    BufferPool(String name, int bufferSize, boolean direct, long maxBytes, long jvmDirectLimit) {
        if (bufferSize < 1) {
            throw new IllegalArgumentException("bufferSize must be >= 1: " + bufferSize);
        }
        this.name = name;
        this.bufferSize = bufferSize;
        this.direct = direct;
        this.maxBuffers = (int) Math.max(1, Math.min(1 << 20, maxBytes / bufferSize));
        this.jvmDirectLimit = jvmDirectLimit;
        this.free = new ByteBuffer[maxBuffers];
    }

    /** A cleared buffer (position 0, limit 0: empty in flush mode), or null when the bound is reached. */
    public @Nullable ByteBuffer acquire() {
        ByteBuffer buffer = null;
        boolean allocate = false;
        synchronized (this) {
            if (freeCount > 0) {
                buffer = free[--freeCount];
                free[freeCount] = null;
            } else if (allocated < maxBuffers && (!direct || directRoomFor(bufferSize))) {
                allocated++;
                allocate = true;
            }
        }
        if (buffer == null && !allocate) {
            exhausted();
            return null;
        }
        if (buffer == null) {
            try {
                buffer = direct ? ByteBuffer.allocateDirect(bufferSize) : ByteBuffer.allocate(bufferSize);
            } catch (OutOfMemoryError e) {
                synchronized (this) {
                    allocated--;
                }
                exhausted();
                return null;
            }
        }
        buffer.position(0).limit(0);
        return buffer;
    }

    /** Gives back a buffer that nothing references any more (no read or write of it pending). */
    public void release(ByteBuffer buffer) {
        if (buffer.capacity() != bufferSize || buffer.isDirect() != direct) {
            throw new IllegalArgumentException("not a buffer of pool " + name);
        }
        synchronized (this) {
            if (freeCount == free.length) {
                throw new IllegalStateException("buffer released twice to pool " + name);
            }
            buffer.position(0).limit(0);
            free[freeCount++] = buffer;
        }
    }

    /**
     * A duplicate of {@code buffer} (a buffer of this pool), the same object every time it is asked for: a parser that
     * hands out slices of whatever buffer it was given then allocates nothing, even when its connection gets another
     * buffer of the pool for each read (as when writes wait for the end of the selector's batch). Only the buffer's
     * current holder may use it.
     */
    public ByteBuffer view(ByteBuffer buffer) {
        synchronized (this) {
            ByteBuffer view = views.get(buffer);
            if (view == null) {
                view = buffer.duplicate();
                views.put(buffer, view);
            }
            return view;
        }
    }

    /**
     * Forgets a buffer that a write still in progress may read (its connection closed meanwhile): it is not reused,
     * the GC frees it; its share of the bound is free again.
     */
    public void discard(ByteBuffer buffer) {
        if (buffer.capacity() != bufferSize || buffer.isDirect() != direct) {
            throw new IllegalArgumentException("not a buffer of pool " + name);
        }
        synchronized (this) {
            allocated--;
            views.remove(buffer);
        }
    }

    private void exhausted() {
        exhausted.incrementAndGet();
        exhaustedSinceLine.incrementAndGet();
        long now = System.nanoTime();
        long last = lastLogNanos.get();
        if (now - last >= LOG_INTERVAL_NANOS && lastLogNanos.compareAndSet(last, now)) {
            log.atWarn()
                    .addKeyValue("pool", name)
                    .addKeyValue("buffer_bytes", bufferSize)
                    .addKeyValue("max_buffers", maxBuffers)
                    .addKeyValue("failed", exhaustedSinceLine.getAndSet(0))
                    .log("Proxy buffer pool exhausted: connections that needed a buffer were closed (logged once a"
                            + " minute; raise the JVM's -Xmx / -XX:MaxDirectMemorySize, or lower the connection"
                            + " limits)");
        }
    }

    /** Room under the JVM's own limit, so that allocateDirect cannot block (its memory is freed by the GC only). */
    private boolean directRoomFor(int bytes) {
        return DIRECT_POOL == null || DIRECT_POOL.getMemoryUsed() + bytes <= jvmDirectLimit;
    }

    public int bufferSize() {
        return bufferSize;
    }

    public int maxBuffers() {
        return maxBuffers;
    }

    /** Buffers allocated and not discarded: in use plus free. */
    public synchronized int allocated() {
        return allocated;
    }

    public synchronized int free() {
        return freeCount;
    }

    /** Acquisitions refused since start. */
    public long exhaustedCount() {
        return exhausted.get();
    }

    /**
     * The JVM's direct-memory limit: {@code -XX:MaxDirectMemorySize}, or the maximum heap when it is not set (the
     * JDK's default).
     */
    static long jvmDirectMemoryLimit() {
        try {
            var diagnostic = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            long configured =
                    Long.parseLong(diagnostic.getVMOption("MaxDirectMemorySize").getValue());
            if (configured > 0) {
                return configured;
            }
        } catch (RuntimeException | LinkageError e) {
            // not HotSpot: the JDK's default below
        }
        return Runtime.getRuntime().maxMemory();
    }

    private static @Nullable BufferPoolMXBean directPoolBean() {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if ("direct".equals(pool.getName())) {
                return pool;
            }
        }
        return null;
    }
}
