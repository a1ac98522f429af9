package io.orbit.interop;

import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

/** The one YAML style every file the interop commands write shares, so imports and exports read alike. */
public final class YamlOutput {

    private YamlOutput() {}

    /**
     * No {@code ---} marker, quotes only where YAML needs them (numbers that are strings keep theirs), multi-line
     * strings as literal blocks, list items indented under their key.
     */
    public static YAMLFactory factory() {
        return YAMLFactory.builder()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
                .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                .build();
    }
}
