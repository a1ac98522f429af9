package io.orbit.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.daemon.cli.DoctorChecks.Outcome;
import io.orbit.engine.netlimit.NetworkLimitSupport;
import io.orbit.runtime.EngineInfo;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NetworkLimitDoctorCheckTest {

    private static EngineInfo engine(boolean rootless) {
        return new EngineInfo("podman", "4.3.1", "4.3.1", rootless, 1, Set.of(), "unix:///run/podman/podman.sock");
    }

    @Test
    void rootfulWithToolsIsOk() {
        DoctorChecks.Check check =
                DoctorChecks.networkLimits(Optional.of(engine(false)), NetworkLimitSupport.supported(), List.of("web"));

        assertThat(check.outcome()).isEqualTo(Outcome.OK);
        assertThat(check.detail()).contains("tc");
    }

    @Test
    void missingToolsWarnWithTheInstallFixWhenAServiceNeedsThem() {
        NetworkLimitSupport noTc = NetworkLimitSupport.unsupported(
                "tc not found on the PATH", "install iproute2 (tc, ip) and util-linux (nsenter)");

        DoctorChecks.Check check = DoctorChecks.networkLimits(Optional.of(engine(false)), noTc, List.of("web"));

        assertThat(check.outcome()).isEqualTo(Outcome.WARN);
        assertThat(check.detail()).contains("web", "NOT be enforced", "tc not found");
        assertThat(check.fix()).hasValueSatisfying(fix -> assertThat(fix).contains("iproute2"));
        assertThat(DoctorChecks.networkLimits(Optional.of(engine(false)), noTc, List.of())
                        .outcome())
                .as("nobody asks for a limit")
                .isEqualTo(Outcome.OK);
    }

    @Test
    void aRootlessEngineCannotLimit() {
        DoctorChecks.Check check =
                DoctorChecks.networkLimits(Optional.of(engine(true)), NetworkLimitSupport.supported(), List.of("web"));

        assertThat(check.outcome()).isEqualTo(Outcome.WARN);
        assertThat(check.detail()).contains("rootless podman");
        assertThat(check.fix()).hasValueSatisfying(fix -> assertThat(fix).contains("rootful"));
    }
}
