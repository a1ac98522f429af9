package io.orbit.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Host allow-list and the cross-origin refusal, as pure functions of the headers. */
class BrowserGuardTest {

    private final BrowserGuard guard = new BrowserGuard("127.0.0.1", List.of("orbit.example.com", "10.0.0.5"));

    @ParameterizedTest
    @ValueSource(
            strings = {
                "localhost",
                "localhost:4112",
                "LocalHost:4112",
                "127.0.0.1",
                "127.0.0.1:4112",
                "[::1]",
                "[::1]:4112",
                "orbit.example.com:80",
                "10.0.0.5:4112"
            })
    void allowedHostsAreAnsweredWhateverThePort(String host) {
        assertThatCode(() -> guard.checkHost(Optional.of(host), Optional.empty()))
                .doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "evil.example",
                "evil.example:4112",
                "localhost.evil.example",
                "127.0.0.1.nip.io:4112",
                "localhost.",
                "orbit.example.com.evil.example",
                "127.0.0.2",
                "[::2]:4112",
                "localhost:x",
                "localhost:4112:4112",
                "user@localhost",
                "",
                " "
            })
    void otherHostsGet421NamingTheFlag(String host) {
        assertThatThrownBy(() -> guard.checkHost(Optional.of(host), Optional.empty()))
                .isInstanceOfSatisfying(ApiException.class, refused -> {
                    assertThat(refused.status()).isEqualTo(421);
                    assertThat(refused.body().get("fix").toString())
                            .contains("--api-allowed-host")
                            .contains("localhost");
                    assertThat(refused.body().get("allowed_hosts"))
                            .isEqualTo(List.of("10.0.0.5", "127.0.0.1", "[::1]", "localhost", "orbit.example.com"));
                });
    }

    @Test
    void aRequestWithoutHostOrWithAnAbsoluteTargetElsewhereIs421() {
        assertThatThrownBy(() -> guard.checkHost(Optional.empty(), Optional.empty()))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        refused -> assertThat(refused.status()).isEqualTo(421));
        assertThatThrownBy(() -> guard.checkHost(Optional.of("localhost:4112"), Optional.of("evil.example")))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        refused -> assertThat(refused.status()).isEqualTo(421));
        assertThatCode(() -> guard.checkHost(Optional.of("[::1]:4112"), Optional.of("::1")))
                .doesNotThrowAnyException();
    }

    @Test
    void theApiAddressHostIsAllowedWhateverItIs() {
        BrowserGuard wildcard = new BrowserGuard("0.0.0.0", List.of());
        BrowserGuard v6 = new BrowserGuard("::1", List.of());

        assertThat(wildcard.allowed()).containsExactlyInAnyOrder("localhost", "127.0.0.1", "[::1]", "0.0.0.0");
        assertThat(v6.allowed()).containsExactlyInAnyOrder("localhost", "127.0.0.1", "[::1]");
        assertThatThrownBy(() -> wildcard.checkHost(Optional.of("192.168.1.20:4112"), Optional.empty()))
                .hasMessageContaining("'192.168.1.20:4112'");
    }

    @Test
    void theApiOwnOriginAndNoOriginPassOthersGet403() {
        Optional<String> host = Optional.of("127.0.0.1:4112");

        assertThatCode(() -> guard.checkOrigin(host, Optional.empty(), Optional.empty()))
                .doesNotThrowAnyException();
        assertThatCode(() -> guard.checkOrigin(host, Optional.of("http://127.0.0.1:4112"), Optional.of("same-origin")))
                .doesNotThrowAnyException();
        assertThatCode(() -> guard.checkOrigin(host, Optional.empty(), Optional.of("none")))
                .doesNotThrowAnyException();
        for (String origin : List.of(
                "http://evil.example",
                "http://127.0.0.1:8080",
                "http://localhost:4112",
                "null",
                "http://127.0.0.1:4112.evil.example",
                "file://")) {
            assertThatThrownBy(() -> guard.checkOrigin(host, Optional.of(origin), Optional.empty()))
                    .as(origin)
                    .isInstanceOfSatisfying(ApiException.class, refused -> {
                        assertThat(refused.status()).isEqualTo(403);
                        assertThat(refused.getMessage()).contains("Origin: " + origin);
                    });
        }
        for (String site : List.of("cross-site", "same-site", "Cross-Site")) {
            assertThatThrownBy(() -> guard.checkOrigin(host, Optional.empty(), Optional.of(site)))
                    .as(site)
                    .isInstanceOfSatisfying(
                            ApiException.class,
                            refused -> assertThat(refused.status()).isEqualTo(403));
        }
    }

    @Test
    void onTheControlSocketAnyOriginIsRefused() {
        assertThatCode(() -> guard.checkOrigin(Optional.empty(), Optional.empty(), Optional.empty()))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> guard.checkOrigin(Optional.empty(), Optional.of("http://localhost"), Optional.empty()))
                .isInstanceOfSatisfying(ApiException.class, refused -> {
                    assertThat(refused.status()).isEqualTo(403);
                    assertThat(refused.body().get("fix").toString()).contains("control socket");
                });
    }

    @Test
    void allowedHostsAreBareNamesOrAddresses() {
        assertThat(BrowserGuard.normalize("Orbit.Example.COM")).isEqualTo("orbit.example.com");
        assertThat(BrowserGuard.normalize("fd00::5")).isEqualTo("[fd00::5]");
        assertThat(BrowserGuard.normalize("[fd00::5]")).isEqualTo("[fd00::5]");
        for (String bad : List.of("http://orbit.example.com", "orbit.example.com:4112", "orbit/x", "*", "", "a b")) {
            assertThatThrownBy(() -> BrowserGuard.normalize(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--api-allowed-host must be a host name or IP address");
        }
    }
}
