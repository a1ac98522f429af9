package io.orbit.daemon.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.slf4j.event.KeyValuePair;

/**
 * One flat JSON object per line, shaped like Orbit's log lines: {@code ts} (RFC 3339, UTC), {@code level}, {@code
 * msg}, {@code svc}, the logger, then the event's key/value pairs as top-level fields ({@code service}, {@code pod},
 * {@code file}, …) so {@code jq 'select(.service=="web")'} works. Logback's own JsonEncoder nests them in lists.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {

    private static final byte[] NOTHING = new byte[0];

    @Override
    public byte[] headerBytes() {
        return NOTHING;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        StringBuilder json = new StringBuilder(256);
        json.append('{');
        field(json, "ts", Instant.ofEpochMilli(event.getTimeStamp()).toString());
        json.append(',');
        field(json, "level", event.getLevel().toString());
        json.append(',');
        field(json, "msg", event.getFormattedMessage());
        json.append(',');
        field(json, "svc", "orbit");
        json.append(',');
        field(json, "logger", shortName(event.getLoggerName()));
        if (event.getKeyValuePairs() != null) {
            for (KeyValuePair pair : event.getKeyValuePairs()) {
                json.append(',');
                field(json, pair.key, String.valueOf(pair.value));
            }
        }
        IThrowableProxy throwable = event.getThrowableProxy();
        if (throwable != null) {
            json.append(',');
            field(json, "error", ThrowableProxyUtil.asString(throwable));
        }
        json.append("}\n");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footerBytes() {
        return NOTHING;
    }

    private static String shortName(String logger) {
        int dot = logger.lastIndexOf('.');
        return dot < 0 ? logger : logger.substring(dot + 1);
    }

    private static void field(StringBuilder json, String key, String value) {
        quote(json, key);
        json.append(':');
        quote(json, value);
    }

    static void quote(StringBuilder json, String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
