package io.orbit.packaging;

import static io.orbit.packaging.Packages.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .rpm as {@code rpm} sees it (built without rpmbuild; {@code rpm} is installed only to inspect it): header,
 * files and modes, config files, scriptlets, digests. Needs Debian's {@code rpm} package (scripts/setup-engines.sh
 * installs it); without it the tests are skipped, or fail under {@code CI=true}.
 */
class RpmPackageIT {

    @BeforeAll
    static void tools() {
        Packages.requireTool("rpm", "apt-get install rpm; scripts/setup-engines.sh does");
    }

    @Test
    void header_name_version_release_arch() {
        assertThat(query("%{NAME}|%{VERSION}|%{RELEASE}|%{ARCH}").strip())
                .isEqualTo("orbit|" + Packages.packageVersion() + "|1|noarch");
        assertThat(Packages.rpm().getFileName().toString())
                .isEqualTo("orbit-" + Packages.packageVersion() + "-1.noarch.rpm");
        assertThat(run("rpm", "-qp", "--requires", rpm()).ok().lines()).contains("shadow-utils");
    }

    @Test
    void files_modes_and_owners_as_the_deb() {
        Map<String, String> files = new TreeMap<>();
        Map<String, String> directories = new TreeMap<>();
        for (String line : query("[%{FILEMODES:perms} %{FILEUSERNAME}:%{FILEGROUPNAME} %{FILENAMES}\\n]")
                .lines()
                .toList()) {
            String[] fields = line.split(" ", 3);
            assertThat(fields[1]).as("owner of %s", line).isEqualTo("root:root");
            (fields[0].startsWith("d") ? directories : files).put(fields[2], fields[0]);
        }
        assertThat(files).isEqualTo(Packages.expectedFiles(Packages.RPM_SYSTEM_UNIT));
        assertThat(directories)
                .containsOnlyKeys("/etc/orbit", Packages.SERVICES_DIR, "/usr/lib/orbit", Packages.LIB)
                .allSatisfy((path, mode) -> assertThat(mode).isEqualTo(Packages.DIRECTORY));

        List<String> listed = run("rpm", "-qlp", rpm()).ok().lines();
        assertThat(listed).containsExactlyInAnyOrderElementsOf(union(files, directories));
    }

    @Test
    void config_files_are_noreplace() {
        assertThat(run("rpm", "-qpc", rpm()).ok().lines()).containsExactly(Packages.CONFIG, Packages.SERVICES_README);
        Map<String, String> flags = new TreeMap<>();
        query("[%{FILEFLAGS:fflags} %{FILENAMES}\\n]").lines().forEach(line -> {
            String[] fields = line.split(" ", 2);
            if (fields.length == 2) {
                flags.put(fields[1], fields[0]);
            }
        });
        assertThat(flags.get(Packages.CONFIG)).contains("c", "n");
        assertThat(flags.get(Packages.SERVICES_README)).contains("c", "n");
    }

    @Test
    void scriptlets_create_the_user_and_state_directory_and_never_delete(@TempDir Path scripts) throws Exception {
        String all = run("rpm", "-qp", "--scripts", rpm()).ok().out();
        for (String kind : List.of("preinstall", "postinstall", "preuninstall", "postuninstall")) {
            assertThat(all).contains(kind + " scriptlet (using /bin/sh)");
        }
        String pre = query("%{PREIN}");
        String post = query("%{POSTIN}");
        String preun = query("%{PREUN}");
        String postun = query("%{POSTUN}");
        assertThat(pre).contains("useradd --system --gid orbit", "groupadd --system orbit");
        assertThat(post).contains("install -d -m 0750 -o orbit -g orbit /var/lib/orbit");
        for (String scriptlet : List.of(post, preun, postun)) {
            // systemctl only while systemd runs (not in a chroot, a container or this build machine).
            assertThat(scriptlet).contains("if [ -d /run/systemd/system ]; then");
        }
        assertThat(preun).contains("if [ \"$1\" -eq 0 ]; then", "disable --now orbit.service");
        assertThat(postun).contains("try-restart orbit.service");
        assertThat(all).doesNotContain("rm -", "userdel", "groupdel");

        Map<String, String> byName = Map.of("pre", pre, "post", post, "preun", preun, "postun", postun);
        for (Map.Entry<String, String> scriptlet : byName.entrySet()) {
            Path file = Files.writeString(scripts.resolve(scriptlet.getKey() + ".sh"), scriptlet.getValue());
            run("sh", "-n", file.toString()).ok();
        }
    }

    @Test
    void digests_are_valid() {
        String check = run("rpm", "-Kv", "--nosignature", rpm()).ok().out();
        assertThat(check).contains("Header SHA256 digest: OK", "Payload SHA256 digest: OK");
        assertThat(check).doesNotContain("BAD", "NOT OK");
    }

    private static String query(String format) {
        return run("rpm", "-qp", "--qf", format, rpm()).ok().out();
    }

    private static String rpm() {
        return Packages.rpm().toString();
    }

    private static List<String> union(Map<String, String> files, Map<String, String> directories) {
        TreeMap<String, String> all = new TreeMap<>(files);
        all.putAll(directories);
        return List.copyOf(all.keySet());
    }
}
