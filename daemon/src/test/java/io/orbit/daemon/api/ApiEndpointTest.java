package io.orbit.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ApiEndpointTest {

    @Test
    void matchesEveryEndpointWithItsMethod() {
        assertThat(ApiEndpoint.match("GET", "/status")).isEqualTo(new ApiEndpoint.Status());
        assertThat(ApiEndpoint.match("GET", "/metrics")).isEqualTo(new ApiEndpoint.Metrics());
        assertThat(ApiEndpoint.match("GET", "/healthz")).isEqualTo(new ApiEndpoint.Health());
        assertThat(ApiEndpoint.match("GET", "/problems")).isEqualTo(new ApiEndpoint.Problems());
        assertThat(ApiEndpoint.match("GET", "/events")).isEqualTo(new ApiEndpoint.Events());
        assertThat(ApiEndpoint.match("GET", "/services/web")).isEqualTo(new ApiEndpoint.Service("web"));
        assertThat(ApiEndpoint.match("GET", "/services/web/logs")).isEqualTo(new ApiEndpoint.Logs("web"));
        assertThat(ApiEndpoint.match("POST", "/services/web/scale")).isEqualTo(new ApiEndpoint.Scale("web"));
        assertThat(ApiEndpoint.match("POST", "/services/web/restart/")).isEqualTo(new ApiEndpoint.Restart("web"));
    }

    @Test
    void onlyScaleAndRestartChangeState() {
        assertThat(new ApiEndpoint.Scale("web").access()).isEqualTo(ApiEndpoint.Access.CHANGE);
        assertThat(new ApiEndpoint.Restart("web").access()).isEqualTo(ApiEndpoint.Access.CHANGE);
        assertThat(new ApiEndpoint.Logs("web").access()).isEqualTo(ApiEndpoint.Access.READ);
        assertThat(new ApiEndpoint.Events().access()).isEqualTo(ApiEndpoint.Access.READ);
    }

    @Test
    void anUnknownPathIs404ListingTheEndpoints() {
        for (String path : new String[] {"/statuses", "/services", "/services/web/stop", "/a/b/c/d"}) {
            assertThatThrownBy(() -> ApiEndpoint.match("GET", path))
                    .isInstanceOfSatisfying(ApiException.class, notFound -> {
                        assertThat(notFound.status()).isEqualTo(404);
                        assertThat(notFound.body().get("fix").toString()).contains("POST /services/{name}/scale");
                    });
        }
    }

    @Test
    void theRootAndUiServeTheDashboardWhoseFilesAreReads() {
        assertThat(ApiEndpoint.match("GET", "/")).isEqualTo(new ApiEndpoint.UiAsset("index.html"));
        assertThat(ApiEndpoint.match("GET", "/ui/")).isEqualTo(new ApiEndpoint.UiAsset("index.html"));
        assertThat(ApiEndpoint.match("GET", "/ui/app.js")).isEqualTo(new ApiEndpoint.UiAsset("app.js"));
        assertThat(ApiEndpoint.match("GET", "/ui/stream")).isEqualTo(new ApiEndpoint.UiStream());
        assertThat(ApiEndpoint.match("GET", "/ui/session")).isEqualTo(new ApiEndpoint.UiSession());
        assertThat(ApiEndpoint.match("GET", "/ui/series/web")).isEqualTo(new ApiEndpoint.UiSeries("web"));
        assertThat(new ApiEndpoint.UiSession().access()).isEqualTo(ApiEndpoint.Access.READ);
        assertThatThrownBy(() -> ApiEndpoint.match("POST", "/"))
                .isInstanceOfSatisfying(
                        ApiException.class, wrong -> assertThat(wrong.status()).isEqualTo(405));
    }

    @Test
    void theWrongMethodIs405WithAllow() {
        assertThatThrownBy(() -> ApiEndpoint.match("POST", "/status"))
                .isInstanceOfSatisfying(ApiException.class, wrong -> {
                    assertThat(wrong.status()).isEqualTo(405);
                    assertThat(wrong.headers()).containsEntry("Allow", "GET");
                });
        assertThatThrownBy(() -> ApiEndpoint.match("GET", "/services/web/restart"))
                .isInstanceOfSatisfying(
                        ApiException.class, wrong -> assertThat(wrong.headers()).containsEntry("Allow", "POST"));
    }
}
