package io.orbit.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StatusTableTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-26T03:00:00Z");

    @Test
    void servicesAreOneAlignedLineEachWithPodsBoundsAndLastError() throws IOException {
        JsonNode status = JSON.readTree("""
                [{"service_name":"hello","running_pods":2,"desired_replicas":2,"min_instances":2,"max_instances":4,
                  "last_error":null},
                 {"service_name":"api-gateway","running_pods":0,"desired_replicas":1,"min_instances":1,
                  "max_instances":1,"last_error":"image 'localhost/api:2' is not present locally; build or pull it, or set pull_policy: Always in api.yml"}]
                """);

        assertThat(StatusTable.services(status)).isEqualTo("""
                        SERVICE      PODS  MIN/MAX  LAST ERROR
                        hello        2/2   2/4      -
                        api-gateway  0/1   1/1      image 'localhost/api:2' is not present locally; build or pu…
                        """);
    }

    @Test
    void noServicesSaysWhereToPutThem() throws IOException {
        assertThat(StatusTable.services(JSON.readTree("[]"))).contains("config directory");
    }

    @Test
    void oneServiceListsItsContainersWithStateAddressPortsAndAge() throws IOException {
        JsonNode service = JSON.readTree("""
                {"service_name":"web","file":"web.yml","running_pods":1,"desired_replicas":2,"min_instances":1,
                 "max_instances":4,"last_error":null,"warnings":["container IPs are not reachable from the host"],
                 "pods":[
                   {"uuid":"3f2a9c1e-0000-4000-8000-000000000001","pod_number":0,"current":true,"problem":null,
                    "state":"Ready","restart_count":0,
                    "containers":[{"container_name":"main","state":"running","exit_code":0,"ip_address":"10.88.0.5",
                      "started_at":"2026-11-26T02:57:30Z",
                      "published_ports":[{"container_port":8080,"host_ip":"127.0.0.1","host_port":41234,"protocol":"tcp"}]},
                     {"container_name":"sidecar","state":"running","exit_code":0,"ip_address":"10.88.0.6",
                      "started_at":"2026-11-26T01:00:00Z","published_ports":[]}]},
                   {"uuid":"77aa0000-0000-4000-8000-000000000002","pod_number":1,"current":false,
                    "problem":"container main exited with 137","state":"BackOff","restart_count":3,
                    "last_restart_reason":"container 'main' exited with code 137",
                    "next_restart_at":"2026-11-26T03:00:04Z",
                    "containers":[{"container_name":"main","state":"exited","exit_code":137,"ip_address":"",
                      "started_at":null,"published_ports":[]}]}]}
                """);

        assertThat(StatusTable.service(service, NOW)).isEqualTo("""
                        web (web.yml): 1/2 pods running (min 1, max 4)
                        warning: container IPs are not reachable from the host

                        POD  UUID      HEALTH   RESTARTS  CONTAINER  STATE         IP         PUBLISHED                  STARTED
                        0    3f2a9c1e  Ready    0         main       running       10.88.0.5  127.0.0.1:41234->8080/tcp  2m ago
                        0    3f2a9c1e  Ready    0         sidecar    running       10.88.0.6  -                          2h ago
                        1*   77aa0000  BackOff  3         main       exited (137)  -          -                          -
                        pod 1: container main exited with 137
                        pod 1 last restarted: container 'main' exited with code 137; next restart at 2026-11-26T03:00:04Z
                        * runs an outdated spec; it is replaced one pod at a time
                        """);
    }

    @Test
    void agesAreShortAndNeverNegative() {
        assertThat(StatusTable.age("2026-11-26T02:59:18Z", NOW)).isEqualTo("42s ago");
        assertThat(StatusTable.age("2026-11-23T03:00:00Z", NOW)).isEqualTo("3d ago");
        assertThat(StatusTable.age("2026-11-26T03:00:05Z", NOW)).isEqualTo("just now");
        assertThat(StatusTable.age("yesterday", NOW)).isEqualTo("yesterday");
    }
}
