package io.orbit.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Test;

class RequestFramingTest {

    private static RequestFraming of(
            String method, String uri, HttpVersion version, List<HttpField> fields, boolean chunked, long length)
            throws RequestFraming.Rejected {
        return RequestFraming.of(method, uri, version, fields, chunked, length, "svc");
    }

    private static HttpField field(String name, String value) {
        return new HttpField(name, value);
    }

    @Test
    void keepsTheCodingsBeforeChunked() throws Exception {
        RequestFraming framing = of(
                "POST",
                "/",
                HttpVersion.HTTP_1_1,
                List.of(field("Host", "h"), field("Transfer-Encoding", "gzip, ,chunked")),
                true,
                -1);
        assertThat(framing.transferCodings()).isEqualTo("gzip");
        assertThat(framing.contentLength()).isEqualTo(-1);
        assertThat(framing.hasBody()).isTrue();
        assertThat(of("POST", "/", HttpVersion.HTTP_1_1, List.of(field("Transfer-Encoding", "Chunked")), true, -1)
                        .transferCodings())
                .isEmpty();
    }

    @Test
    void restatesTheContentLengthAndDefaultsTheHostForHttp10() throws Exception {
        RequestFraming framing = of("POST", "/a?b", HttpVersion.HTTP_1_0, List.of(), false, 3);
        assertThat(framing).isEqualTo(new RequestFraming("/a?b", "svc", null, 3));
    }

    @Test
    void rewritesAbsoluteFormToOriginFormWithItsAuthorityAsHost() throws Exception {
        List<HttpField> fields = List.of(field("Host", "a"));
        assertThat(of("GET", "http://b.example:81/x?y", HttpVersion.HTTP_1_1, fields, false, -1))
                .isEqualTo(new RequestFraming("/x?y", "b.example:81", null, -1));
        assertThat(of("GET", "HTTPS://[::1]?q", HttpVersion.HTTP_1_1, fields, false, -1))
                .isEqualTo(new RequestFraming("/?q", "[::1]", null, -1));
        assertThat(of("OPTIONS", "http://b", HttpVersion.HTTP_1_1, fields, false, -1)
                        .target())
                .isEqualTo("*");
    }

    @Test
    void refusesWhatAProxyCannotForwardUnambiguously() {
        List<HttpField> host = List.of(field("Host", "a"));
        Object[][] refused = {
            {"GET", "a:80", HttpVersion.HTTP_1_1, host, false, 400},
            {"GET", "*", HttpVersion.HTTP_1_1, host, false, 400},
            {"GET", "/a#b", HttpVersion.HTTP_1_1, host, false, 400},
            {"GET", "/caf\u00e9", HttpVersion.HTTP_1_1, host, false, 400},
            {"GET", "http://u@b/", HttpVersion.HTTP_1_1, host, false, 400},
            {"GET", "http:///x", HttpVersion.HTTP_1_1, host, false, 400},
            {"GET", "http://b:99999/", HttpVersion.HTTP_1_1, host, false, 400},
            {"GET", "ftp://b/", HttpVersion.HTTP_1_1, host, false, 400},
            {",ET", "/", HttpVersion.HTTP_1_1, host, false, 400},
            {"GET", "/", HttpVersion.HTTP_2, host, false, 505},
            {"POST", "/", HttpVersion.HTTP_1_0, List.of(field("Transfer-Encoding", "chunked")), true, 400},
            {"POST", "/", HttpVersion.HTTP_1_1, List.of(field("Transfer-Encoding", "gzip")), false, 400},
            {"POST", "/", HttpVersion.HTTP_1_1, List.of(field("Transfer-Encoding", "g zip, chunked")), true, 400},
            {"POST", "/", HttpVersion.HTTP_1_1, List.of(field("Transfer-Encoding", "chunked;x=1")), true, 400},
        };
        for (Object[] c : refused) {
            @SuppressWarnings("unchecked")
            List<HttpField> fields = (List<HttpField>) c[3];
            assertThatThrownBy(() -> of((String) c[0], (String) c[1], (HttpVersion) c[2], fields, (Boolean) c[4], -1))
                    .as(c[0] + " " + c[1] + " " + fields)
                    .isInstanceOfSatisfying(
                            RequestFraming.Rejected.class,
                            e -> assertThat(e.status).isEqualTo(c[5]));
        }
    }

    @Test
    void protectsFramingRoutingAndForwardingFieldsFromConnectionTokens() {
        for (String name : List.of(
                "content-length",
                "transfer-encoding",
                "host",
                "upgrade",
                "forwarded",
                "x-forwarded-for",
                "x-forwarded-x")) {
            assertThat(RequestFraming.protectedFromConnection(name)).as(name).isTrue();
        }
        assertThat(RequestFraming.protectedFromConnection("x-secret")).isFalse();
    }
}
