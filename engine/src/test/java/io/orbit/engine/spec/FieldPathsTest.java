package io.orbit.engine.spec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FieldPathsTest {

    @Test
    void joinsKeysWithDotsAndIndexesWithBrackets() {
        String containers = FieldPaths.child(FieldPaths.child("", "spec"), "containers");

        assertThat(FieldPaths.child(FieldPaths.index(containers, 0), "node_port"))
                .isEqualTo("spec.containers[0].node_port");
    }

    @Test
    void quotesAKeyThatIsNotAPlainWord() {
        assertThat(FieldPaths.child("volumes.config.files", "nginx.conf"))
                .isEqualTo("volumes.config.files[\"nginx.conf\"]");
        assertThat(FieldPaths.child("env", "say \"hi\"")).isEqualTo("env[\"say \\\"hi\\\"\"]");
        assertThat(FieldPaths.child("", "")).isEqualTo("[\"\"]");
    }
}
