package io.orbit.daemon.api;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Keeps web pages in a local browser away from the API. Two attacks, two checks:
 *
 * <ul>
 *   <li><b>DNS rebinding</b>: a page on {@code evil.example} re-points that name at 127.0.0.1; the browser then treats
 *       the API as the page's own origin and lets the page read it. The browser still sends {@code Host:
 *       evil.example}, so every TCP request must name an allowed host: {@code localhost}, {@code 127.0.0.1}, {@code
 *       [::1]}, the host of {@code --api-address}, and each {@code --api-allowed-host}. Others get a 421.
 *   <li><b>Cross-origin requests</b>: a page on another origin may send requests (a form POST, a {@code fetch} in
 *       {@code no-cors} mode) without reading the answer. A request that a browser marks as coming from another
 *       origin ({@code Origin} that is not the API's own, or {@code Sec-Fetch-Site: cross-site}/{@code same-site}) is
 *       refused with 403, reads included: no client of the API needs it, and the answer is never sent. On the control
 *       socket, which no browser can reach, any {@code Origin} is refused.
 * </ul>
 *
 * The port of {@code Host} is not checked: rebinding needs a name the attacker controls, whatever the port.
 */
public final class BrowserGuard {

    /** The flag (and {@code orbit.yaml} key {@code api_allowed_host}) that extends the allow-list. */
    public static final String FLAG = "--api-allowed-host";

    private static final List<String> ALWAYS = List.of("localhost", "127.0.0.1", "[::1]");
    /** A DNS name or IPv4 address (letters, digits, '-', '.', '_'), or a bracketed IPv6 address. */
    private static final Pattern HOST = Pattern.compile("[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?|\\[[0-9a-f:.]+]");

    private final Set<String> allowed;

    /**
     * @param apiHost the host of {@code --api-address}
     * @param extra the {@code --api-allowed-host} values, already {@link #normalize normalised}
     */
    BrowserGuard(String apiHost, Collection<String> extra) {
        Set<String> hosts = new LinkedHashSet<>(ALWAYS);
        hosts.add(normalize(apiHost));
        extra.forEach(host -> hosts.add(normalize(host)));
        this.allowed = Set.copyOf(hosts);
    }

    /**
     * A host name as the allow-list keeps it: lower case, an IPv6 address in brackets.
     *
     * @throws IllegalArgumentException naming {@value #FLAG} for anything but a bare host (no scheme, port or path)
     */
    public static String normalize(String host) {
        String lower = requireNonNull(host, "host is null").strip().toLowerCase(Locale.ROOT);
        if (lower.indexOf(':') >= 0 && !lower.startsWith("[")) {
            lower = "[" + lower + "]";
        }
        if (!HOST.matcher(lower).matches()) {
            throw new IllegalArgumentException(
                    "%s must be a host name or IP address without scheme, port or path, e.g. orbit.example.com or 10.0.0.5; got '%s'"
                            .formatted(FLAG, host));
        }
        return lower;
    }

    /** The hosts the TCP API answers to, sorted (for messages and the docs). */
    Set<String> allowed() {
        return allowed;
    }

    /**
     * Checks a TCP request's {@code Host} header (and the host of an absolute request target, when it had one).
     *
     * @throws ApiException 421 naming {@value #FLAG} when the request names another host or none
     */
    void checkHost(Optional<String> hostHeader, Optional<String> targetHost) {
        Optional<String> host = hostHeader.flatMap(BrowserGuard::hostOf);
        if (host.isEmpty() || !allowed.contains(host.get())) {
            throw misdirected(hostHeader.orElse("(none)"));
        }
        Optional<String> target = targetHost.filter(name -> !name.isEmpty()).map(BrowserGuard::bracketed);
        if (target.isPresent() && !allowed.contains(target.get())) {
            throw misdirected(target.get());
        }
    }

    private ApiException misdirected(String host) {
        return new ApiException(
                        421,
                        "this API does not answer to host '%s' (a page in a browser may be trying to reach it through"
                                        .formatted(host)
                                + " DNS rebinding)",
                        "use one of %s, or start the daemon with %s %s (api_allowed_host in orbit.yaml) if clients name it so"
                                .formatted(
                                        String.join(", ", new java.util.TreeSet<>(allowed)),
                                        FLAG,
                                        hostOf(host).orElse("HOST")))
                .with("allowed_hosts", List.copyOf(new java.util.TreeSet<>(allowed)));
    }

    /**
     * Refuses a request a browser sent on behalf of a page of another origin.
     *
     * @param hostHeader the request's {@code Host}: the API's own origin is {@code http://HOST} (or https behind a
     *     proxy); empty on the control socket, where no origin is the API's own
     * @throws ApiException 403 naming the header and the origin
     */
    void checkOrigin(Optional<String> hostHeader, Optional<String> origin, Optional<String> fetchSite) {
        if (origin.isPresent()) {
            String sent = origin.get().strip().toLowerCase(Locale.ROOT);
            boolean own = hostHeader
                    .map(host -> host.strip().toLowerCase(Locale.ROOT))
                    .filter(host -> sent.equals("http://" + host) || sent.equals("https://" + host))
                    .isPresent();
            if (!own) {
                throw crossOrigin("Origin: " + origin.get().strip(), hostHeader);
            }
        }
        if (fetchSite.isPresent()) {
            String site = fetchSite.get().strip().toLowerCase(Locale.ROOT);
            if (site.equals("cross-site") || site.equals("same-site")) {
                throw crossOrigin("Sec-Fetch-Site: " + site, hostHeader);
            }
        }
    }

    private static ApiException crossOrigin(String header, Optional<String> hostHeader) {
        return new ApiException(
                403,
                "refused a request from a web page of another origin (%s): the API answers browsers only for its own"
                                .formatted(header)
                        + " dashboard, never across origins",
                hostHeader.isPresent()
                        ? "call the API from a program (curl, the orbit CLI) or from a page served at http://"
                                + hostHeader.get().strip()
                        : "the control socket takes no browser requests; call it with the orbit CLI or curl --unix-socket");
    }

    /** The host part of a {@code Host} value ({@code name}, {@code name:port}, {@code [v6]:port}), lower case. */
    static Optional<String> hostOf(String hostHeader) {
        String value = hostHeader.strip().toLowerCase(Locale.ROOT);
        String host;
        String rest;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0) {
                return Optional.empty();
            }
            host = value.substring(0, close + 1);
            rest = value.substring(close + 1);
        } else {
            int colon = value.indexOf(':');
            host = colon < 0 ? value : value.substring(0, colon);
            rest = colon < 0 ? "" : value.substring(colon);
        }
        if (!rest.isEmpty() && !rest.matches(":[0-9]{1,5}")) {
            return Optional.empty();
        }
        return HOST.matcher(host).matches() ? Optional.of(host) : Optional.empty();
    }

    private static String bracketed(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.indexOf(':') >= 0 && !lower.startsWith("[") ? "[" + lower + "]" : lower;
    }
}
