package io.orbit.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code orbit import compose}, {@code orbit export kube} and {@code orbit export swarm} as a user runs them. */
class InteropCommandsTest {

    record Run(int exitCode, String out, String err) {}

    @TempDir
    Path work;

    private Run orbit(String... args) throws Exception {
        Path config = work.resolve("orbit.yaml");
        if (!Files.exists(config)) {
            Files.writeString(config, "");
        }
        String[] arguments = new String[args.length + 2];
        System.arraycopy(args, 0, arguments, 0, args.length);
        arguments[args.length] = "--config-file";
        arguments[args.length + 1] = config.toString();
        CommandLine cli = OrbitCommand.commandLine(arguments);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exitCode = cli.execute(arguments);
        return new Run(exitCode, out.toString(), err.toString());
    }

    private Path compose(String text) throws Exception {
        Path project = Files.createDirectories(work.resolve("project"));
        return Files.writeString(project.resolve("compose.yaml"), text);
    }

    @Test
    void importWritesValidFilesWarnsOnStderrAndInTheFile() throws Exception {
        Path compose = compose("""
                services:
                  web:
                    image: localhost/orbit-fixture:latest
                    ports: ["18080:8080"]
                    depends_on: [db]
                  db:
                    image: postgres:16
                """);
        Path out = work.resolve("configs");

        Run run = orbit("import", "compose", compose.toString(), "--out", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("wrote " + out.resolve("web.yml")).contains("2 service(s) imported");
        assertThat(run.err()).contains("warning: " + compose + ": services.web.depends_on:");
        assertThat(Files.readString(out.resolve("web.yml")))
                .contains("#   warning: " + compose + ": services.web.depends_on:")
                .contains("node_port: 18080");
        assertThat(orbit("validate", out.toString()).out()).contains("2 service(s) valid, 0 error(s), 0 warning(s)");

        Run again = orbit("import", "compose", compose.toString(), "--out", out.toString());
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("exists; pass --force");
        assertThat(orbit("import", "compose", compose.toString(), "--out", out.toString(), "--force")
                        .exitCode())
                .isZero();
    }

    @Test
    void importThatWouldNotValidateWritesNothing() throws Exception {
        Path compose = compose("services:\n  api:\n    image: x\n    ports: [\"4112:80\"]\n");
        Path out = work.resolve("configs");

        Run run = orbit("import", "compose", compose.toString(), "--out", out.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("4112").contains("nothing written");
        assertThat(out).doesNotExist();
    }

    @Test
    void importOfAMissingFileExitsTwo() throws Exception {
        Run run = orbit("import", "compose", work.resolve("nope.yaml").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no such file");
    }

    @Test
    void exportKubeAndSwarm() throws Exception {
        Path services = Files.createDirectories(work.resolve("services"));
        Files.writeString(services.resolve("web.yml"), """
                name: web
                instance_count: {min: 2, max: 4}
                resource_thresholds: {cpu_percentage_relative: 70}
                volumes:
                  conf: {files: {app.conf: "x=1"}}
                spec:
                  containers:
                    - name: main
                      image: localhost/orbit-fixture:latest
                      cpu_limit: 0.5
                      ports: [{port: 8080, node_port: 30080}]
                      volume_mounts: [{name: conf, mount_path: /etc/app}]
                """);

        Run kube = orbit("export", "kube", services.toString(), "--namespace", "shop");
        assertThat(kube.exitCode()).as(kube.err()).isZero();
        assertThat(kube.out())
                .contains("kind: ConfigMap", "kind: Deployment", "kind: Service", "kind: HorizontalPodAutoscaler")
                .contains("namespace: shop")
                .contains("nodePort: 30080");
        assertThat(orbit("export", "kube", services.toString(), "--namespace", "shop")
                        .out())
                .isEqualTo(kube.out());

        Run podman = orbit("export", "kube", services.toString(), "--podman");
        assertThat(podman.out()).doesNotContain("kind: Service").doesNotContain("kind: HorizontalPodAutoscaler");
        assertThat(podman.err()).contains("podman kube play does not autoscale");

        Run toStdout = orbit("export", "swarm", services.toString());
        assertThat(toStdout.exitCode()).isEqualTo(2);
        assertThat(toStdout.err()).contains("pass --out FILE");

        Path stack = work.resolve("out").resolve("stack.yml");
        Run swarm = orbit("export", "swarm", services.toString(), "--out", stack.toString());
        assertThat(swarm.exitCode()).as(swarm.err()).isZero();
        assertThat(Files.readString(stack)).contains("replicas: 2").contains("order: start-first");
        assertThat(work.resolve("out/stack-configs/web/conf/app.conf")).hasContent("x=1");
    }

    @Test
    void exportChecksNodePortsAgainstTheDaemonsApiPortAsValidateDoes() throws Exception {
        Path services = Files.createDirectories(work.resolve("api-port"));
        Files.writeString(services.resolve("web.yml"), """
                name: web
                instance_count: {min: 1, max: 1}
                spec:
                  containers:
                    - {name: main, image: x, ports: [{port: 80, node_port: 4112}]}
                """);

        assertThat(orbit("export", "kube", services.toString()).exitCode()).isEqualTo(1);
        assertThat(orbit("export", "kube", services.toString(), "--api-address", "127.0.0.1:4999")
                        .exitCode())
                .isZero();
    }

    @Test
    void exportOfADirectoryWithErrorsExitsOneAndNamesThem() throws Exception {
        Path services = Files.createDirectories(work.resolve("broken"));
        Files.writeString(services.resolve("bad.yml"), "name: bad\ninstance_count: {min: 3, max: 1}\n");

        Run run = orbit("export", "kube", services.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("bad.yml").contains("orbit validate");
        assertThat(run.out()).isEmpty();
    }
}
