package io.orbit.engine.naming;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContainerNamesTest {

    private static final UUID POD = UUID.fromString("0b9f8a54-6c8e-4d0f-9a57-3f1c2e4d5a6b");

    @Test
    void namesFollowOrbitsPattern() {
        assertThat(ContainerNames.container("web", 3, "nginx", POD))
                .isEqualTo("web__3__nginx__0b9f8a54-6c8e-4d0f-9a57-3f1c2e4d5a6b");
        assertThat(ContainerNames.podNetwork("web", POD)).isEqualTo("web__0b9f8a54-6c8e-4d0f-9a57-3f1c2e4d5a6b");
        assertThat(ContainerNames.orbitAlias("helloworld2", "main")).isEqualTo("helloworld2-main");
    }

    @Test
    void aNameParsesBackIntoItsParts() {
        assertThat(ContainerNames.parse(ContainerNames.container("my-api", 12, "main", POD)))
                .hasValue(new ContainerNames.Parsed("my-api", 12, "main", POD));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "web",
                "web__0__main",
                "web__x__main__0b9f8a54-6c8e-4d0f-9a57-3f1c2e4d5a6b",
                "web__0__main__not-a-uuid",
                "web__0__main__0b9f8a54-6c8e-4d0f-9a57-3f1c2e4d5a6b__extra",
                "__0__main__0b9f8a54-6c8e-4d0f-9a57-3f1c2e4d5a6b",
                "web__-1__main__0b9f8a54-6c8e-4d0f-9a57-3f1c2e4d5a6b"
            })
    void anythingElseIsNotAnOrbitName(String name) {
        assertThat(ContainerNames.parse(name)).isEmpty();
    }
}
