package io.orbit.engine.config;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Refuses YAML aliases ({@code *name}). Jackson does not expand them: it reads an alias as the text of the anchor's
 * name, so {@code image: *img} would silently become the image {@code img}. Refusing them also makes an alias bomb
 * ("billion laughs") harmless by construction: nothing is ever expanded.
 */
final class AliasRefusingParser extends JsonParserDelegate {

    AliasRefusingParser(JsonParser yaml) {
        super(yaml);
    }

    @Override
    public @Nullable JsonToken nextToken() throws IOException {
        return refuseAlias(super.nextToken());
    }

    @Override
    public @Nullable JsonToken nextValue() throws IOException {
        return refuseAlias(super.nextValue());
    }

    private @Nullable JsonToken refuseAlias(@Nullable JsonToken token) throws IOException {
        if (delegate instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
            throw new JsonParseException(
                    this,
                    "uses the YAML alias *" + shorten(yaml.getText())
                            + "; service files do not support YAML aliases (the alias would be read as"
                            + " the text of its name): write the value out in full");
        }
        return token;
    }

    /** A value quoted back in a problem: at most 60 characters, so a hostile file cannot flood /status or the log. */
    private static String shorten(@Nullable String value) {
        if (value == null) {
            return "";
        }
        return value.length() <= 60 ? value : value.substring(0, 57) + "... (" + value.length() + " characters)";
    }
}
