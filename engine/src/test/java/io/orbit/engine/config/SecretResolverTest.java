package io.orbit.engine.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.spec.ContainerSecrets;
import io.orbit.engine.spec.ParsedFile;
import io.orbit.engine.spec.SpecProblem;
import io.orbit.engine.spec.SpecValidator;
import io.orbit.engine.state.PodTemplateHash;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretResolverTest {

    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final String VALUE = "s3cr3t-hunter2-value";

    @TempDir
    Path root;

    private Map<String, String> environment = Map.of("API_KEY", "env-" + VALUE);

    private void write(String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    private SpecValidator.Result validate(byte[] key) {
        ConfigDirectory directory = new ConfigDirectory(
                root,
                ReadPolicy.defaults(),
                new SecretResolver(key, name -> Optional.ofNullable(environment.get(name))));
        List<ParsedFile> files = directory.loadAll();
        return SpecValidator.validate(files, SpecValidator.DEFAULT_API_PORT);
    }

    private SpecValidator.Result validate() {
        return validate(KEY);
    }

    private static final String SERVICE = """
            name: api
            instance_count: {min: 1, max: 1}
            secrets:
              db-password: {file: secrets/db-password}
              api-key: {env: API_KEY}
            spec:
              containers:
                - name: main
                  image: nginx
                  env: {LOG_LEVEL: info, OVERRIDDEN: from-env}
                  env_file: [common.env, app.env]
                  secrets:
                    - db-password
                    - source: db-password
                      target: db-copy
                      uid: 101
                      gid: 102
                      mode: 0400
                    - {source: api-key, as: env}
                    - {source: api-key, as: env, name: OTHER_KEY}
            """;

    private void writeAll() throws IOException {
        write("api.yml", SERVICE);
        write("secrets/db-password", VALUE);
        write("common.env", "DB_HOST=db\nOVERRIDDEN=from-file\nSHARED=common\n");
        write("app.env", "export SHARED=app # later file wins\nTOKEN=\"tok-" + VALUE + "\"\n");
    }

    @Test
    void resolvesFilesEnvironmentAndEnvFilesWithEnvWinning() throws IOException {
        writeAll();

        SpecValidator.Result result = validate();

        assertThat(result.errors()).isEmpty();
        ContainerDefinition main = result.services().getFirst().containers().getFirst();
        Map<String, String> env = new java.util.TreeMap<>();
        main.secrets().env().forEach((name, value) -> env.put(name, value.text()));
        assertThat(env)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "DB_HOST", "db",
                        "SHARED", "app",
                        "TOKEN", "tok-" + VALUE,
                        "API_KEY", "env-" + VALUE,
                        "OTHER_KEY", "env-" + VALUE));
        assertThat(main.env()).containsEntry("OVERRIDDEN", "from-env").doesNotContainKey("DB_HOST");
        List<ContainerSecrets.SecretFile> files = main.secrets().files();
        assertThat(files)
                .extracting(ContainerSecrets.SecretFile::target)
                .containsExactly("/run/secrets/db-password", "/run/secrets/db-copy");
        assertThat(files.get(0).mode()).isEqualTo(0444);
        assertThat(files.get(1).mode()).isEqualTo(0400);
        assertThat(files.get(1).uid()).isEqualTo(101);
        assertThat(files.get(1).gid()).isEqualTo(102);
        assertThat(new String(files.get(0).value().orElseThrow().bytes(), StandardCharsets.UTF_8))
                .isEqualTo(VALUE);
    }

    @Test
    void noValueInAnyTextOfTheDefinition() throws IOException {
        writeAll();

        SpecValidator.Result result = validate();

        String shown = result.services().toString() + result.problems();
        assertThat(shown).doesNotContain(VALUE).doesNotContain("hunter2");
    }

    @Test
    void aChangedValueChangesTheHashOnlyThroughTheKeyedDigest() throws IOException {
        writeAll();
        String before = PodTemplateHash.of(validate().services().getFirst());
        String again = PodTemplateHash.of(validate().services().getFirst());
        String otherKey =
                PodTemplateHash.of(validate("another-key-another-key-another!".getBytes(StandardCharsets.US_ASCII))
                        .services()
                        .getFirst());
        write("secrets/db-password", VALUE + "2");
        String changed = PodTemplateHash.of(validate().services().getFirst());
        write("secrets/db-password", VALUE);
        environment = Map.of("API_KEY", "rotated");
        String envChanged = PodTemplateHash.of(validate().services().getFirst());

        assertThat(again).isEqualTo(before);
        assertThat(changed).isNotEqualTo(before);
        assertThat(envChanged).isNotEqualTo(before).isNotEqualTo(changed);
        assertThat(otherKey).as("the digest is keyed").isNotEqualTo(before);
    }

    @Test
    void missingFilesAndVariablesAreErrorsNamingThePath() throws IOException {
        write("api.yml", SERVICE);
        environment = Map.of();

        SpecValidator.Result result = validate();

        assertThat(result.services()).isEmpty();
        assertThat(result.errors())
                .extracting(SpecProblem::toString)
                .anySatisfy(problem -> assertThat(problem)
                        .contains("secrets.db-password.file")
                        .contains(root.resolve("secrets/db-password").toString())
                        .contains("does not exist"))
                .anySatisfy(problem -> assertThat(problem)
                        .contains("spec.containers[0].env_file[0]")
                        .contains(root.resolve("common.env").toString()))
                .anySatisfy(problem -> assertThat(problem).contains("no variable API_KEY"));
    }

    @Test
    void aBrokenEnvFileNamesTheLineNotTheValue() throws IOException {
        writeAll();
        write("app.env", "A=1\nTOKEN=\"" + VALUE + "\n");

        SpecValidator.Result result = validate();

        assertThat(result.errors()).singleElement().satisfies(problem -> {
            assertThat(problem.fieldPath()).isEqualTo("spec.containers[0].env_file[1]");
            assertThat(problem.message()).contains("app.env").contains("line 2").doesNotContain(VALUE);
        });
    }

    @Test
    void aSecretFileOthersMayReadIsAWarning() throws IOException {
        writeAll();
        Files.setPosixFilePermissions(
                root.resolve("secrets/db-password"), PosixFilePermissions.fromString("rw-r--r--"));

        SpecValidator.Result result = validate();

        assertThat(result.errors()).isEmpty();
        assertThat(result.warnings())
                .extracting(SpecProblem::message)
                .anySatisfy(message ->
                        assertThat(message).contains("readable by every user").contains("chmod o-r"));
    }

    @Test
    void schemaErrorsNameTheFieldAndTheFix() throws IOException {
        write("api.yml", """
                name: api
                instance_count: {min: 1, max: 1}
                secrets:
                  bad.name: {file: x}
                  both: {file: x, env: Y}
                  none: {}
                  engine-one: {engine: podman-secret}
                  unused: {env: API_KEY}
                spec:
                  containers:
                    - name: main
                      image: nginx
                      env: {TAKEN: x}
                      env_file: 5
                      secrets:
                        - undeclared
                        - 7
                        - {source: engine-one, as: env}
                        - {source: engine-one, target: /a, mode: "9"}
                        - {source: engine-one, target: /a, colour: red}
                        - {source: engine-one, as: env, name: TAKEN, mode: 0400}
                        - {target: /b}
                        - {source: engine-one, target: /c}
                        - {source: engine-one, target: /c}
                        - {source: unused, as: env, name: TAKEN}
                """);

        SpecValidator.Result result = validate();

        assertThat(result.problems())
                .extracting(SpecProblem::toString)
                .anySatisfy(p -> assertThat(p).contains("secrets[\"bad.name\"]").contains("not a valid secret name"))
                .anySatisfy(p -> assertThat(p).contains("has file and env; set exactly one source"))
                .anySatisfy(p -> assertThat(p).contains("has no source"))
                .anySatisfy(p -> assertThat(p).contains("secrets.none").contains("no container uses"))
                .anySatisfy(p -> assertThat(p).contains("env_file").contains("expected a path or a list of paths"))
                .anySatisfy(p -> assertThat(p).contains("secrets[0]").contains("'undeclared'"))
                .anySatisfy(p -> assertThat(p).contains("secrets[1]").contains("expected a secret's name"))
                .anySatisfy(p -> assertThat(p).contains("secrets[2].as").contains("only be mounted as a file"))
                .anySatisfy(p -> assertThat(p).contains("secrets[3].mode").contains("0400"))
                .anySatisfy(p -> assertThat(p).contains("secrets[4].colour").contains("unknown field"))
                .anySatisfy(p -> assertThat(p).contains("secrets[8]").contains("mounts at /c"))
                .anySatisfy(p -> assertThat(p).contains("secrets[5].mode").contains("not to one exposed as: env"))
                .anySatisfy(p -> assertThat(p).contains("secrets[9]").contains("sets the variable TAKEN"))
                .anySatisfy(p -> assertThat(p).contains("secrets[6]").contains("missing source"));
        assertThat(result.services()).isEmpty();
    }

    @Test
    void filesWithoutSecretsNeverAskForTheKey() throws IOException {
        write(
                "web.yml",
                "name: web\ninstance_count: {min: 1, max: 1}\nspec: {containers: [{name: main, image: nginx}]}\n");
        ConfigDirectory directory = new ConfigDirectory(
                root,
                ReadPolicy.defaults(),
                new SecretResolver(
                        () -> {
                            throw new IllegalStateException("key read");
                        },
                        name -> Optional.empty()));

        assertThat(directory.loadAll())
                .singleElement()
                .satisfies(file -> assertThat(file.hasErrors()).isFalse());
    }
}
