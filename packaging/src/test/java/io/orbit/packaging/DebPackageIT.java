package io.orbit.packaging;

import static io.orbit.packaging.Packages.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .deb as {@code dpkg-deb} sees it: control fields, conffiles, maintainer scripts, files, modes, units. */
class DebPackageIT {

    /** {@code -rwxr-xr-x root/root      3907 2026-11-26 00:00 ./usr/bin/orbit} */
    private static final Pattern CONTENT_LINE =
            Pattern.compile("^([-dl][-rwxsStT]{9}) (\\S+)\\s+\\d+ (\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d) \\.(/.*?)/?$");

    @BeforeAll
    static void tools() {
        Packages.requireTool("dpkg-deb", "install dpkg");
    }

    @Test
    void control_fields_name_version_and_dependencies() {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String field : List.of("Package", "Version", "Architecture", "Maintainer", "Depends", "Section")) {
            fields.put(
                    field,
                    run("dpkg-deb", "-f", Packages.deb().toString(), field)
                            .ok()
                            .out()
                            .strip());
        }
        assertThat(fields)
                .containsEntry("Package", "orbit")
                .containsEntry("Version", Packages.packageVersion())
                .containsEntry("Architecture", "all")
                .containsEntry("Depends", "passwd")
                .containsEntry("Section", "admin");
        assertThat(fields.get("Maintainer")).matches(".+ <.+@.+>");
        assertThat(Packages.deb().getFileName().toString())
                .isEqualTo("orbit_" + Packages.packageVersion() + "_all.deb");
        assertThat(Packages.packageVersion()).doesNotContain("-");
    }

    @Test
    void conffiles_and_executable_maintainer_scripts() {
        String info = run("dpkg-deb", "-I", Packages.deb().toString()).ok().out();
        for (String script : List.of("postinst", "prerm", "postrm")) {
            assertThat(info)
                    .as("dpkg-deb -I lists %s as executable (*)", script)
                    .containsPattern("\\d+ lines\\s+\\*\\s+" + script + "\\s+#!/bin/sh");
        }
        assertThat(run("dpkg-deb", "-I", Packages.deb().toString(), "conffiles")
                        .ok()
                        .lines())
                .containsExactly(Packages.CONFIG, Packages.SERVICES_README);
    }

    @Test
    void maintainer_scripts_are_valid_sh(@TempDir Path control) {
        run("dpkg-deb", "-e", Packages.deb().toString(), control.toString()).ok();
        for (String script : List.of("postinst", "prerm", "postrm")) {
            Path file = control.resolve(script);
            assertThat(file).isExecutable();
            run("sh", "-n", file.toString()).ok();
        }
    }

    @Test
    void files_modes_owners_and_timestamps() {
        Map<String, String> files = new TreeMap<>();
        Map<String, String> directories = new TreeMap<>();
        String timestamp = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
                .withZone(ZoneOffset.UTC)
                .format(Packages.outputTimestamp());
        List<String> lines = run(Duration.ofMinutes(1), Map.of("TZ", "UTC"), List.of("dpkg-deb", "-c", deb()))
                .ok()
                .lines();
        for (String line : lines) {
            Matcher entry = CONTENT_LINE.matcher(line);
            assertThat(entry.matches()).as("dpkg-deb -c line: %s", line).isTrue();
            assertThat(entry.group(2)).as("owner of %s", line).isEqualTo("root/root");
            assertThat(entry.group(3)).as("time of %s", line).isEqualTo(timestamp);
            String path = entry.group(4).isEmpty() ? "/" : entry.group(4);
            (entry.group(1).startsWith("d") ? directories : files).put(path, entry.group(1));
        }
        assertThat(files).isEqualTo(Packages.expectedFiles(Packages.DEB_SYSTEM_UNIT));
        assertThat(directories)
                .containsEntry("/etc/orbit", Packages.DIRECTORY)
                .containsEntry(Packages.SERVICES_DIR, Packages.DIRECTORY)
                .containsEntry("/usr/lib/orbit", Packages.DIRECTORY)
                .containsEntry(Packages.LIB, Packages.DIRECTORY);
        assertThat(directories.values()).allMatch(Packages.DIRECTORY::equals);
    }

    @Test
    void units_and_config_file_as_shipped(@TempDir Path root) throws Exception {
        run("dpkg-deb", "-x", deb(), root.toString()).ok();

        SystemdUnit system = SystemdUnit.read(root.resolve(Packages.DEB_SYSTEM_UNIT.substring(1)));
        UnitExpectations.systemUnit(system);
        SystemdUnit user = SystemdUnit.read(root.resolve(Packages.USER_UNIT.substring(1)));
        UnitExpectations.userUnit(user);

        String config = Files.readString(root.resolve(Packages.CONFIG.substring(1)));
        assertThat(config.lines().filter(line -> !line.startsWith("#") && !line.isBlank()))
                .containsExactly(
                        "runtime: podman",
                        "config_dir: /etc/orbit/services",
                        "volume_dir: /var/lib/orbit/volumes",
                        "api_address: 127.0.0.1:4112");
        assertThat(root.resolve(Packages.LAUNCHER.substring(1)))
                .hasSameBinaryContentAs(Packages.distSource("bin/orbit"));
        for (String jar : Packages.jars()) {
            assertThat(root.resolve(Packages.LIB.substring(1)).resolve(jar))
                    .hasSameBinaryContentAs(Path.of(System.getProperty("orbit.lib"), jar));
        }
    }

    private static String deb() {
        return Packages.deb().toString();
    }
}
