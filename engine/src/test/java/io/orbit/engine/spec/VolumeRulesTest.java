package io.orbit.engine.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.config.ServiceFileParser;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The volume rules of {@link ServiceRules} and {@link ContainerRules}: path traversal, sub_path, permissions. */
class VolumeRulesTest {

    private static final ServiceFileParser PARSER = new ServiceFileParser();

    private static List<String> problems(String volumes, String mounts) {
        String yaml = "name: web\ninstance_count: {min: 1, max: 1}\n" + volumes + "\nspec:\n  containers:\n"
                + "    - name: main\n      image: nginx\n" + mounts.indent(6);
        ParsedFile parsed = PARSER.parse(Path.of("web.yml"), yaml);
        return SpecValidator.validate(List.of(parsed), SpecValidator.DEFAULT_API_PORT).problems().stream()
                .map(SpecProblem::toString)
                .toList();
    }

    @Test
    void rejectsFileAndVolumeNamesThatLeaveTheirDirectory() {
        assertThat(problems("""
                        volumes:
                          "..": {files: {a: x}}
                          config: {files: {"..": x, "/etc/passwd": y, ok.conf: z}}
                        """, ""))
                .containsExactlyInAnyOrder(
                        "web.yml: volumes[\"..\"]: volume name '..' must be a plain name without '/'; it names the"
                                + " directory its files are written to",
                        "web.yml: volumes.config.files[\"..\"]: file name '..' must be a plain name without '/' or"
                                + " '..'; each file is written into the volume's own directory",
                        "web.yml: volumes.config.files[\"/etc/passwd\"]: file name '/etc/passwd' must be a plain name"
                                + " without '/' or '..'; each file is written into the volume's own directory");
    }

    @Test
    void aSubPathOfAHostPathStaysBelowIt() {
        assertThat(problems("volumes: {site: {host_path: /srv/site}}", """
                        volume_mounts:
                          - {name: site, mount_path: /a, sub_path: ../../etc/shadow}
                          - {name: site, mount_path: /b, sub_path: /etc/shadow}
                          - {name: site, mount_path: /c, sub_path: conf/app.conf}
                        """))
                .containsExactly(
                        "web.yml: spec.containers[0].volume_mounts[0].sub_path: '../../etc/shadow' must be a relative"
                                + " path below host_path without '..'; e.g. app.conf or conf/app.conf",
                        "web.yml: spec.containers[0].volume_mounts[1].sub_path: '/etc/shadow' must be a relative path"
                                + " below host_path without '..'; e.g. app.conf or conf/app.conf");
    }

    @Test
    void aNamedVolumeCannotBeMountedInPartAndAnEmptyVolumeNotAtAll() {
        assertThat(problems("volumes: {data: {named_volume: {name: web-data}}, nothing: {}}", """
                        volume_mounts:
                          - {name: data, mount_path: /data, sub_path: x}
                          - {name: nothing, mount_path: /nothing}
                        """))
                .containsExactly(
                        "web.yml: spec.containers[0].volume_mounts[0].sub_path: named volume 'data' cannot be mounted"
                                + " in part; mount it whole, or use files or host_path for a single file",
                        "web.yml: spec.containers[0].volume_mounts[1].name: volume 'nothing' defines nothing to mount;"
                                + " add files, host_path or named_volume",
                        "warning: web.yml: volumes.nothing: defines nothing to mount; add files, host_path or"
                                + " named_volume");
    }

    @Test
    void permissionsAreAPlainOctalModeOfInlineFiles() {
        assertThat(problems("""
                        volumes:
                          setuid: {files: {a: x}, permissions: "4755"}
                          host: {host_path: /srv, permissions: "0644"}
                          both: {files: {a: x}, named_volume: {name: both-data}, permissions: "0600"}
                        """, ""))
                .containsExactly(
                        "warning: web.yml: volumes.both: both files and named_volume are set; files win and"
                                + " named_volume is ignored",
                        "warning: web.yml: volumes.host.permissions: applies to inline files only and is ignored here;"
                                + " set the mode of host paths and named volumes on the host",
                        "web.yml: volumes.setuid.permissions: '4755' sets setuid, setgid or sticky bits, which inline"
                                + " files cannot have; write e.g. \"0755\"");
    }
}
