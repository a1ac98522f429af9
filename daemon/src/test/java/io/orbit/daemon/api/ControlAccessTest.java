package io.orbit.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may change services, with fake peer credentials and a fake group file. */
class ControlAccessTest {

    private static final ApiEndpoint SCALE = new ApiEndpoint.Scale("web");
    private static final ApiEndpoint RESTART = new ApiEndpoint.Restart("web");
    private static final ApiEndpoint STATUS = new ApiEndpoint.Status();
    private static final ApiEndpoint LOGS = new ApiEndpoint.Logs("web");

    @TempDir
    Path directory;

    private GroupDatabase groups;

    @BeforeEach
    void writeGroupFile() throws IOException {
        groups = new GroupDatabase(Files.writeString(directory.resolve("group"), """
                root:x:0:
                orbit:x:990:alice, bob
                ops:x:991:carol
                carol:x:1003:
                """));
    }

    @Test
    void rootAndTheDaemonsUserMayChangeOverTheSocket() {
        ControlAccess access = socketOnly(Optional.empty());

        assertThatCode(() -> access.check(SCALE, peer("root", "root"))).doesNotThrowAnyException();
        assertThatCode(() -> access.check(RESTART, peer("orbit", "orbit"))).doesNotThrowAnyException();
    }

    @Test
    void anyOtherUserIsRefusedWith403NamingWhoMayAndHowToGetThere() {
        ControlAccess access = socketOnly(Optional.empty());

        assertThatThrownBy(() -> access.check(SCALE, peer("mallory", "mallory")))
                .isInstanceOfSatisfying(ApiException.class, refused -> {
                    assertThat(refused.status()).isEqualTo(403);
                    assertThat(refused.body().get("error"))
                            .isEqualTo("user mallory (group mallory) may not change services");
                    assertThat(refused.body().get("fix").toString())
                            .contains("orbit or root")
                            .contains("--control-group GROUP");
                });
    }

    @Test
    void membersOfTheControlGroupMayChangeByListOrByPrimaryGroup() {
        ControlAccess access = socketOnly(Optional.of("orbit"));

        assertThatCode(() -> access.check(SCALE, peer("alice", "alice"))).doesNotThrowAnyException();
        assertThatCode(() -> access.check(SCALE, peer("bob", "users"))).doesNotThrowAnyException();
        assertThatCode(() -> access.check(SCALE, peer("dave", "orbit"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> access.check(SCALE, peer("carol", "carol")))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        refused ->
                                assertThat(refused.body().get("fix").toString()).contains("usermod -aG orbit carol"));
    }

    @Test
    void aPeerTheKernelDidNotNameIsRefused() {
        assertThatThrownBy(() -> socketOnly(Optional.of("orbit")).check(SCALE, new Caller.OverSocket(Optional.empty())))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        refused -> assertThat(refused.status()).isEqualTo(403));
    }

    @Test
    void readsAreOpenToEveryCaller() {
        ControlAccess access = socketOnly(Optional.empty());

        for (ApiEndpoint read : new ApiEndpoint[] {STATUS, LOGS, new ApiEndpoint.Events()}) {
            assertThatCode(() -> access.check(read, peer("mallory", "mallory"))).doesNotThrowAnyException();
            assertThatCode(() -> access.check(read, tcp(Optional.empty()))).doesNotThrowAnyException();
        }
    }

    @Test
    void overTcpWithoutATokenFileEveryChangeIs403() {
        ControlAccess access = socketOnly(Optional.empty());

        assertThatThrownBy(() -> access.check(SCALE, tcp(Optional.of("Bearer anything"))))
                .isInstanceOfSatisfying(ApiException.class, refused -> {
                    assertThat(refused.status()).isEqualTo(403);
                    assertThat(refused.body().get("error").toString())
                            .contains("127.0.0.1:4112")
                            .contains("without --api-token");
                });
    }

    @Test
    void overTcpWithATokenFileTheBearerTokenDecides() throws IOException {
        Path file = Files.writeString(directory.resolve("token"), "  correct-horse \n");
        ControlAccess access = new ControlAccess(
                Optional.of(ApiToken.read(file)), Set.of("root"), Optional.empty(), groups, "0.0.0.0:4112");

        assertThatThrownBy(() -> access.check(SCALE, tcp(Optional.empty())))
                .isInstanceOfSatisfying(ApiException.class, refused -> {
                    assertThat(refused.status()).isEqualTo(401);
                    assertThat(refused.headers()).containsEntry("WWW-Authenticate", "Bearer realm=\"orbit\"");
                });
        assertThatThrownBy(() -> access.check(SCALE, tcp(Optional.of("Basic Y29ycmVjdC1ob3JzZQ=="))))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        refused -> assertThat(refused.status()).isEqualTo(401));
        assertThatThrownBy(() -> access.check(SCALE, tcp(Optional.of("Bearer correct-horse-battery"))))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        refused -> assertThat(refused.status()).isEqualTo(403));
        assertThatCode(() -> access.check(RESTART, tcp(Optional.of("Bearer correct-horse"))))
                .doesNotThrowAnyException();
        assertThatCode(() -> access.check(RESTART, tcp(Optional.of("bearer   correct-horse"))))
                .doesNotThrowAnyException();
    }

    @Test
    void anEmptyOrMissingTokenFileIsAnErrorSayingHowToMakeOne() throws IOException {
        Path empty = Files.writeString(directory.resolve("empty"), "\n");

        assertThatThrownBy(() -> ApiToken.read(empty)).hasMessageContaining("head -c 32 /dev/urandom");
        assertThatThrownBy(() -> ApiToken.read(directory.resolve("missing")))
                .hasMessageContaining("cannot read the API token file");
        assertThat(ApiToken.read(Files.writeString(directory.resolve("t"), "x")).toString())
                .doesNotContain("x]")
                .contains(directory.resolve("t").toString());
    }

    @Test
    void overTcpALocalUserFollowsTheSocketsRuleAndASentTokenIsStillChecked() throws IOException {
        ControlAccess access = socketOnly(Optional.of("orbit"));
        ControlAccess withToken = new ControlAccess(
                Optional.of(ApiToken.read(Files.writeString(directory.resolve("t"), "s3cret-token\n"))),
                Set.of("root", "orbit"),
                Optional.of("orbit"),
                groups,
                "127.0.0.1:4112");

        assertThatCode(() -> access.check(SCALE, local("alice", "staff")))
                .as("a member")
                .doesNotThrowAnyException();
        assertThatCode(() -> access.check(SCALE, local("root", "root")))
                .as("root")
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> access.check(SCALE, local("mallory", "mallory")))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        refused -> assertThat(refused.status()).isEqualTo(403));
        assertThatThrownBy(() -> withToken.check(SCALE, local("mallory", "mallory")))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        refused -> assertThat(refused.status()).isEqualTo(401));
        assertThatThrownBy(() -> withToken.check(
                        SCALE,
                        new Caller.OverTcp(
                                "127.0.0.1",
                                Optional.of("Bearer guess"),
                                false,
                                () -> Optional.of(new PeerCredentials("root", "root")))))
                .as("a wrong token is refused even from root")
                .isInstanceOfSatisfying(
                        ApiException.class,
                        refused -> assertThat(refused.status()).isEqualTo(403));
        assertThat(local("alice", "staff").describe()).isEqualTo("user alice at 127.0.0.1");
    }

    private static Caller local(String user, String group) {
        return new Caller.OverTcp(
                "127.0.0.1", Optional.empty(), false, () -> Optional.of(new PeerCredentials(user, group)));
    }

    private ControlAccess socketOnly(Optional<String> group) {
        return new ControlAccess(Optional.empty(), Set.of("root", "orbit"), group, groups, "127.0.0.1:4112");
    }

    private static Caller peer(String user, String group) {
        return new Caller.OverSocket(Optional.of(new PeerCredentials(user, group)));
    }

    private static Caller tcp(Optional<String> authorization) {
        return new Caller.OverTcp("127.0.0.1", authorization);
    }
}
