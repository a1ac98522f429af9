package io.orbit.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The per-address connection count: the limit, the release, a bounded map and a rate-limited log. */
class ClientAddressLimitTest {

    private static final long INTERVAL = TimeUnit.SECONDS.toNanos(60);

    private long now = 1_000;
    private final ClientAddressLimit limit = new ClientAddressLimit(3, INTERVAL, () -> now);

    private static InetAddress ip(String address) throws Exception {
        return InetAddress.getByName(address);
    }

    @Test
    void admitsUpToTheLimitPerAddressAndCountsAddressesApart() throws Exception {
        InetAddress a = ip("192.0.2.1");
        InetAddress b = ip("192.0.2.2");
        for (int i = 0; i < 3; i++) {
            assertThat(limit.tryAcquire(a)).isNull();
        }
        ClientAddressLimit.Refusal refusal = limit.tryAcquire(a);
        assertThat(refusal).isNotNull();
        assertThat(refusal.address()).isEqualTo(a);
        assertThat(refusal.open()).isEqualTo(3);
        assertThat(limit.open(a)).isEqualTo(3);
        assertThat(limit.tryAcquire(b)).as("another address").isNull();
        assertThat(limit.tryAcquire(ip("2001:db8::1"))).isNull();
    }

    @Test
    void aClosedConnectionFreesItsSlotAndTheLastOneItsEntry() throws Exception {
        InetAddress a = ip("192.0.2.1");
        for (int i = 0; i < 3; i++) {
            limit.tryAcquire(a);
        }
        assertThat(limit.tryAcquire(a)).isNotNull();
        limit.release(a);
        assertThat(limit.tryAcquire(a)).isNull();
        for (int i = 0; i < 3; i++) {
            limit.release(a);
        }
        assertThat(limit.open(a)).isZero();
        assertThat(limit.addresses()).as("entries left behind").isZero();
        assertThatThrownBy(() -> limit.release(a)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refusalsAreLoggedOncePerAddressPerIntervalWithTheirCount() throws Exception {
        InetAddress a = ip("192.0.2.1");
        for (int i = 0; i < 3; i++) {
            limit.tryAcquire(a);
        }
        assertThat(limit.tryAcquire(a).log()).as("the first refusal").isTrue();
        for (int i = 0; i < 99; i++) {
            now += TimeUnit.MILLISECONDS.toNanos(100);
            assertThat(limit.tryAcquire(a).log()).isFalse();
        }
        now += INTERVAL;
        ClientAddressLimit.Refusal next = limit.tryAcquire(a);
        assertThat(next.log()).isTrue();
        assertThat(next.refusedSinceLastLine()).isEqualTo(100);
    }

    @Test
    void manyAddressesAtTheirLimitLogAtMostOneLineASecond() throws Exception {
        int lines = 0;
        for (int host = 1; host <= 100; host++) {
            InetAddress address = ip("192.0.2." + host);
            for (int i = 0; i < 3; i++) {
                limit.tryAcquire(address);
            }
            if (limit.tryAcquire(address).log()) {
                lines++;
            }
            now += TimeUnit.MILLISECONDS.toNanos(100);
        }
        // 100 addresses over 10 s: one line a second.
        assertThat(lines).isEqualTo(10);
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertThatThrownBy(() -> new ClientAddressLimit(0, INTERVAL, () -> 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit must be >= 1");
    }
}
