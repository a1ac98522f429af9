package io.orbit.daemon.dashboard;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.zip.GZIPOutputStream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * The dashboard's files, read from the jar once at start and kept in memory with their gzip form and an ETag: the
 * page, its script and style, and uPlot from its webjar. Nothing else is served: a name not listed here is a 404, so
 * no path ever reaches the class path or the file system.
 *
 * <p>Every answer carries a Content-Security-Policy that allows scripts, styles and connections to this origin only,
 * and forbids framing (no click-jacking of the action buttons).
 */
public final class DashboardAssets {

    static final String BASE = "/io/orbit/daemon/dashboard/";
    private static final String UPLOT_PROPERTIES = "/META-INF/maven/org.webjars.npm/uplot/pom.properties";
    static final String SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline';"
            + " img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /** One file: its type, its bytes plain and gzipped, and its ETag. */
    record Asset(String name, String contentType, byte[] plain, byte[] gzipped, String etag) {}

    private final Map<String, Asset> assets;

    private DashboardAssets(Map<String, Asset> assets) {
        this.assets = Map.copyOf(assets);
    }

    /** @throws IllegalStateException when a file is missing from the jar (a broken build) */
    static DashboardAssets load() {
        String uplot = "/META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist/";
        Map<String, Asset> assets = new LinkedHashMap<>();
        add(assets, "index.html", BASE + "index.html", "text/html; charset=utf-8");
        add(assets, "app.js", BASE + "app.js", "text/javascript; charset=utf-8");
        add(assets, "app.css", BASE + "app.css", "text/css; charset=utf-8");
        add(assets, "favicon.svg", BASE + "favicon.svg", "image/svg+xml");
        add(assets, "uPlot.min.js", uplot + "uPlot.iife.min.js", "text/javascript; charset=utf-8");
        add(assets, "uPlot.min.css", uplot + "uPlot.min.css", "text/css; charset=utf-8");
        return new DashboardAssets(assets);
    }

    private static String uplotVersion() {
        try (InputStream in = DashboardAssets.class.getResourceAsStream(UPLOT_PROPERTIES)) {
            if (in == null) {
                throw new IllegalStateException("the uPlot webjar is not on the class path (" + UPLOT_PROPERTIES
                        + "); the daemon's build must bring org.webjars.npm:uplot");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void add(Map<String, Asset> assets, String name, String resource, String contentType) {
        byte[] plain;
        try (InputStream in = DashboardAssets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(
                        "the dashboard file " + resource + " is missing from the daemon's jar; rebuild the daemon");
            }
            plain = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the dashboard file " + resource + ": " + e.getMessage(), e);
        }
        assets.put(name, new Asset(name, contentType, plain, gzip(plain), etag(plain)));
    }

    private static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 3 + 64);
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String etag(byte[] plain) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(plain);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Optional<Asset> asset(String name) {
        return Optional.ofNullable(assets.get(name));
    }

    /** Every file with its compressed size, for the page weight check. */
    Map<String, Asset> all() {
        return assets;
    }

    /**
     * Answers with the named file (gzipped when the client accepts it, 304 when its ETag matches).
     *
     * @return false when no such file exists: nothing was answered
     */
    public boolean serve(String name, Request request, Response response, Callback callback) {
        Asset asset = assets.get(name);
        if (asset == null) {
            return false;
        }
        response.getHeaders().put("Content-Security-Policy", SECURITY_POLICY);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("Referrer-Policy", "no-referrer");
        // Revalidated each time (cheap: 304), so a new daemon's page is never mixed with an old script.
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put(HttpHeader.ETAG, asset.etag());
        response.getHeaders().put(HttpHeader.VARY, "Accept-Encoding");
        String match = request.getHeaders().get(HttpHeader.IF_NONE_MATCH);
        if (match != null && match.contains(asset.etag())) {
            response.setStatus(304);
            response.write(true, BufferUtil.EMPTY_BUFFER, callback);
            return true;
        }
        String accepts = request.getHeaders().get(HttpHeader.ACCEPT_ENCODING);
        boolean gzip =
                accepts != null && accepts.toLowerCase(java.util.Locale.ROOT).contains("gzip");
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, asset.contentType());
        if (gzip) {
            response.getHeaders().put(HttpHeader.CONTENT_ENCODING, "gzip");
        }
        byte[] body = gzip ? asset.gzipped() : asset.plain();
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
