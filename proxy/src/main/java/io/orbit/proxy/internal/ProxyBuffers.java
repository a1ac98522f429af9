package io.orbit.proxy.internal;

import io.orbit.proxy.ProxyOptions;

/**
 * The proxy's two shared buffer pools: direct input buffers (one per connection while it has bytes to read or
 * process) and heap head buffers (per exchange in progress: the client side's request or error head, the upstream
 * side's response head).
 *
 * @param input direct, {@link #inputSize} bytes each: a whole request or response head fits
 * @param heads heap, {@link #headSize} bytes each
 */
public record ProxyBuffers(BufferPool input, BufferPool heads) {

    /** Pools sized from {@code options}; a bound of 0 there means half the JVM's direct memory, a quarter of its heap. */
    public static ProxyBuffers of(ProxyOptions options) {
        long directLimit = BufferPool.jvmDirectMemoryLimit();
        long direct = options.maxDirectBufferBytes() > 0 ? options.maxDirectBufferBytes() : directLimit / 2;
        long heap = options.maxHeapBufferBytes() > 0
                ? options.maxHeapBufferBytes()
                : Runtime.getRuntime().maxMemory() / 4;
        return new ProxyBuffers(
                new BufferPool("input", inputSize(options), true, direct, directLimit),
                new BufferPool("heads", headSize(options), false, heap, directLimit));
    }

    static int inputSize(ProxyOptions options) {
        return Math.max(16 * 1024, Math.max(options.maxRequestHeadBytes(), options.maxResponseHeadBytes()) + 1);
    }

    /** Room for the request head restated (+ the proxy's forwarding fields) or the response head restated. */
    static int headSize(ProxyOptions options) {
        return Math.max(options.maxRequestHeadBytes() + 2048, options.maxResponseHeadBytes() + 1024);
    }
}
