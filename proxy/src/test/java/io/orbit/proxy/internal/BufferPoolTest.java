package io.orbit.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class BufferPoolTest {

    private static final long NO_JVM_LIMIT = Long.MAX_VALUE;

    @Test
    void refusesPastItsBoundInsteadOfAllocating() {
        BufferPool pool = new BufferPool("test", 1024, true, 2 * 1024 + 100, NO_JVM_LIMIT);
        ByteBuffer first = pool.acquire();
        ByteBuffer second = pool.acquire();
        assertThat(first).isNotNull();
        assertThat(second).isNotNull().isNotSameAs(first);
        assertThat(pool.acquire()).as("a third buffer past a bound of two").isNull();
        assertThat(pool.exhaustedCount()).isEqualTo(1);
        pool.release(first);
        assertThat(pool.acquire()).as("the released one, reused").isSameAs(first);
    }

    @Test
    void aReusedBufferComesBackEmptyAndTheWarmestFirst() {
        BufferPool pool = new BufferPool("test", 64, false, 64 * 4, NO_JVM_LIMIT);
        ByteBuffer a = pool.acquire();
        ByteBuffer b = pool.acquire();
        a.clear().put((byte) 1).flip();
        pool.release(b);
        pool.release(a);
        ByteBuffer again = pool.acquire();
        assertThat(again).isSameAs(a);
        assertThat(again.position()).isZero();
        assertThat(again.remaining()).as("empty in flush mode").isZero();
        assertThat(pool.allocated()).isEqualTo(2);
    }

    @Test
    void aDiscardedBufferFreesItsShareOfTheBound() {
        BufferPool pool = new BufferPool("test", 64, false, 64, NO_JVM_LIMIT);
        ByteBuffer only = pool.acquire();
        assertThat(pool.acquire()).isNull();
        pool.discard(only);
        ByteBuffer next = pool.acquire();
        assertThat(next).isNotNull().isNotSameAs(only);
        assertThat(pool.allocated()).isEqualTo(1);
    }

    @Test
    void eachBufferHasOneViewOfItsOwnUntilItIsDiscarded() {
        BufferPool pool = new BufferPool("test", 64, true, 64 * 2, NO_JVM_LIMIT);
        ByteBuffer a = pool.acquire();
        ByteBuffer b = pool.acquire();
        ByteBuffer viewOfA = pool.view(a);

        assertThat(pool.view(a)).as("the same view every time").isSameAs(viewOfA);
        assertThat(pool.view(b)).isNotSameAs(viewOfA);
        a.limit(1).put(0, (byte) 7);
        assertThat(viewOfA.clear().get(0))
                .as("a view shares its buffer's bytes")
                .isEqualTo((byte) 7);
        pool.release(a);
        assertThat(pool.acquire()).isSameAs(a);
        assertThat(pool.view(a)).as("kept while the buffer is pooled").isSameAs(viewOfA);

        pool.discard(a);
        assertThat(pool.view(a)).as("forgotten with a discarded buffer").isNotSameAs(viewOfA);
    }

    @Test
    void aDirectPoolDoesNotGrowPastTheJvmsOwnLimit() {
        // A JVM limit already used up (by anything: other pools, the JDK's temporary buffers): refuse, never block.
        BufferPool pool = new BufferPool("test", 1024, true, 1 << 20, 0);
        assertThat(pool.acquire()).isNull();
    }

    @Test
    void rejectsForeignBuffersAndMoreReleasesThanItHandedOut() {
        BufferPool pool = new BufferPool("test", 64, false, 64, NO_JVM_LIMIT);
        assertThatThrownBy(() -> pool.release(ByteBuffer.allocate(32))).isInstanceOf(IllegalArgumentException.class);
        ByteBuffer only = pool.acquire();
        pool.release(only);
        assertThatThrownBy(() -> pool.release(only)).isInstanceOf(IllegalStateException.class);
    }
}
