package io.orbit.proxy.internal;

import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.jspecify.annotations.Nullable;

/**
 * What the proxy forwards of a parsed clientToProxyRequest head: the target in origin form, the {@code Host}, and the
 * framing of the body that follows — or why the request is refused.
 *
 * <p>Jetty's {@code HttpParser} (HttpCompliance.RFC9110) already refuses with 400: Content-Length together with
 * Transfer-Encoding, a Transfer-Encoding whose final coding is not {@code chunked} or that applies it twice,
 * duplicate or malformed Content-Length, duplicate or invalid Host, a missing Host in HTTP/1.1, obs-fold, bare CR,
 * NUL and other controls, whitespace before a colon, and HTTP/0.9. This adds what a proxy needs on top (RFC 9112
 * §3.2, §6.1; RFC 9110 §7.2, §9.1): a method that is not a token, Transfer-Encoding in an HTTP/1.0 request, a request-target outside ASCII VCHAR or in a
 * form its method does not allow, and an HTTP version other than 1.0/1.1. The body's framing is then restated by the
 * proxy from what the parser decided ({@code contentLength}, the codings before {@code chunked}); the client's own
 * framing fields are never copied, so nothing (a {@code Connection} token included) can make the forwarded head
 * disagree with the body that follows it.
 *
 * @param target the request-target to send: origin-form ({@code /path?query}) or {@code *} for OPTIONS
 * @param host the {@code Host} to send: the authority of an absolute-form target, else the client's Host, else the
 *     default (HTTP/1.0 without Host)
 * @param transferCodings null when the body is not chunked; otherwise the codings applied before {@code chunked}, comma
 *     separated ("" for plain chunked)
 * @param contentLength the body length when framed by Content-Length, else -1
 */
record RequestFraming(String target, String host, @Nullable String transferCodings, long contentLength) {

    /** A request the proxy refuses; the connection is closed after the answer. */
    static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Rejected(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    boolean chunked() {
        return transferCodings != null;
    }

    boolean hasBody() {
        return transferCodings != null || contentLength > 0;
    }

    static RequestFraming of(
            String method,
            String uri,
            HttpVersion version,
            List<HttpField> fields,
            boolean chunked,
            long contentLength,
            String defaultHost)
            throws Rejected {
        if (version != HttpVersion.HTTP_1_1 && version != HttpVersion.HTTP_1_0) {
            throw new Rejected(505, "HTTP version " + version + " is not supported; use HTTP/1.1");
        }
        if (!isToken(method)) {
            throw new Rejected(400, "method is not a token (RFC 9110 §9.1)");
        }
        String host = null;
        List<String> codings = null;
        for (int i = 0, size = fields.size(); i < size; i++) {
            HttpField field = fields.get(i);
            HttpHeader header = field.getHeader();
            if (header == HttpHeader.HOST) {
                host = field.getValue();
            } else if (header == HttpHeader.TRANSFER_ENCODING) {
                if (version == HttpVersion.HTTP_1_0) {
                    // RFC 9112 §6.1: the framing of an HTTP/1.0 message with Transfer-Encoding is faulty.
                    throw new Rejected(400, "Transfer-Encoding in an HTTP/1.0 request");
                }
                if (codings == null) {
                    codings = new ArrayList<>(2);
                }
                transferCodings(field.getValue(), codings);
            }
        }
        String target = uri;
        checkTarget(method, uri);
        if (!uri.startsWith("/") && !uri.equals("*")) {
            // RFC 9112 §3.2.2: the authority of an absolute-form target replaces Host. Sent on in origin form with
            // that Host, so the backend and the proxy agree on both.
            int authorityStart = uri.indexOf("//") + 2;
            int authorityEnd = authorityStart;
            while (authorityEnd < uri.length() && "/?#".indexOf(uri.charAt(authorityEnd)) < 0) {
                authorityEnd++;
            }
            String authority = uri.substring(authorityStart, authorityEnd);
            if (authority.isEmpty() || authority.indexOf('@') >= 0 || !validAuthority(authority)) {
                throw new Rejected(400, "absolute-form request-target without a valid authority");
            }
            host = authority;
            String rest = uri.substring(authorityEnd);
            target = rest.isEmpty() ? ("OPTIONS".equals(method) ? "*" : "/") : rest.startsWith("?") ? "/" + rest : rest;
        }
        return framed(target, host == null ? defaultHost : host, codings, chunked, contentLength);
    }

    /** The body's framing: chunked as the final coding (the others kept), or the Content-Length. */
    private static RequestFraming framed(
            String target, String host, @Nullable List<String> codings, boolean chunked, long contentLength)
            throws Rejected {
        if (chunked) {
            if (codings == null || codings.isEmpty() || !codings.getLast().equals("chunked")) {
                throw new Rejected(400, "Transfer-Encoding does not end with chunked"); // the parser checked it too
            }
            codings.removeLast();
            return new RequestFraming(target, host, String.join(", ", codings), -1);
        }
        if (codings != null) {
            throw new Rejected(400, "Transfer-Encoding without chunked as its final coding");
        }
        return new RequestFraming(target, host, null, contentLength);
    }

    /** Accepts origin-form, asterisk-form (OPTIONS only) and absolute-form http(s) targets of ASCII VCHARs. */
    private static void checkTarget(String method, String uri) throws Rejected {
        if (!isVchars(uri)) {
            throw new Rejected(400, "request-target with characters outside ASCII VCHAR");
        }
        if (uri.indexOf('#') >= 0) {
            throw new Rejected(400, "request-target with a fragment");
        }
        if (uri.equals("*") && !"OPTIONS".equals(method)) {
            throw new Rejected(400, "asterisk-form request-target is only for OPTIONS");
        }
        if (!uri.startsWith("/")
                && !uri.equals("*")
                && !startsWithIgnoreCase(uri, "http://")
                && !startsWithIgnoreCase(uri, "https://")) {
            // authority-form is for CONNECT only (answered 405 before this); anything else is no request-target.
            throw new Rejected(400, "request-target must be origin-form (/path) or absolute-form (http://host/path)");
        }
    }

    /**
     * Splits a Transfer-Encoding value into its codings (RFC 9112 §6.1, RFC 9110 §5.6.1: empty list elements are
     * ignored); each is a token with optional {@code ;param=value} parameters, lower-cased for {@code chunked}.
     */
    private static void transferCodings(String value, List<String> into) throws Rejected {
        for (String raw : value.split(",", -1)) {
            String coding = raw.strip();
            if (coding.isEmpty()) {
                continue;
            }
            int semicolon = coding.indexOf(';');
            String name = (semicolon < 0 ? coding : coding.substring(0, semicolon)).strip();
            if (name.isEmpty() || !isToken(name)) {
                throw new Rejected(400, "Transfer-Encoding with an invalid coding '" + coding + "'");
            }
            if (name.equalsIgnoreCase("chunked")) {
                if (semicolon >= 0) {
                    throw new Rejected(400, "Transfer-Encoding chunked takes no parameters");
                }
                into.add("chunked");
            } else {
                if (semicolon >= 0 && !validParameters(coding.substring(semicolon))) {
                    throw new Rejected(400, "Transfer-Encoding with invalid parameters in '" + coding + "'");
                }
                into.add(coding);
            }
        }
    }

    /** {@code *( OWS ";" OWS token "=" ( token / quoted-string ) )}, without quoted-pair (refused). */
    private static boolean validParameters(String parameters) {
        for (String parameter : parameters.substring(1).split(";", -1)) {
            String p = parameter.strip();
            int equals = p.indexOf('=');
            if (equals <= 0 || !isToken(p.substring(0, equals))) {
                return false;
            }
            String v = p.substring(equals + 1);
            boolean quoted = v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"");
            if (quoted) {
                String inner = v.substring(1, v.length() - 1);
                if (inner.indexOf('"') >= 0 || inner.indexOf('\\') >= 0) {
                    return false;
                }
            } else if (!isToken(v)) {
                return false;
            }
        }
        return true;
    }

    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c >= 'a' && c <= 'z'
                    || c >= 'A' && c <= 'Z'
                    || c >= '0' && c <= '9'
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean isVchars(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** host [":" port] with host a reg-name, IPv4 or bracketed IPv6 (RFC 3986 §3.2.2), without percent-encoding. */
    private static boolean validAuthority(String authority) {
        String hostPart = authority;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                return false;
            }
            for (int i = 1; i < close; i++) {
                char c = authority.charAt(i);
                if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                    return false;
                }
            }
            hostPart = "";
            authority = authority.substring(close + 1);
            if (!authority.isEmpty() && !authority.startsWith(":")) {
                return false;
            }
        } else {
            int colon = authority.indexOf(':');
            hostPart = colon < 0 ? authority : authority.substring(0, colon);
            authority = colon < 0 ? "" : authority.substring(colon);
            if (hostPart.isEmpty()) {
                return false;
            }
        }
        for (int i = 0; i < hostPart.length(); i++) {
            char c = hostPart.charAt(i);
            boolean ok = c >= 'a' && c <= 'z'
                    || c >= 'A' && c <= 'Z'
                    || c >= '0' && c <= '9'
                    || "-._~!$&'()*+,;=".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        if (authority.startsWith(":")) {
            String port = authority.substring(1);
            if (port.length() > 5) {
                return false;
            }
            for (int i = 0; i < port.length(); i++) {
                if (port.charAt(i) < '0' || port.charAt(i) > '9') {
                    return false;
                }
            }
            return port.isEmpty() || Integer.parseInt(port) <= 65535;
        }
        return true;
    }

    private static boolean startsWithIgnoreCase(String s, String prefix) {
        return s.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    /** Lower-case field names a {@code Connection} token can never remove: framing, routing, the proxy's own. */
    static boolean protectedFromConnection(String lowerCaseName) {
        return switch (lowerCaseName) {
            case "content-length", "transfer-encoding", "host", "upgrade", "forwarded" -> true;
            default -> lowerCaseName.startsWith("x-forwarded-");
        };
    }
}
