package dev.ratelimiter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.operator.customresource.AgentSpec;
import dev.ratelimiter.operator.customresource.Backend;
import dev.ratelimiter.operator.customresource.LimitSpec;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.testsupport.net.Ports;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A policy with {@code spec.backend}: the operator renders the agents' backend settings, the test
 * kubelet starts three agents that proxy to a real backend process, and what reaches the backend is
 * counted there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName(
    "A policy in front of a backend, end to end (operator, redis-server, three agents, a backend process),")
class BackendProxyIT {

  static final String NS = "store";
  static final String NAME = "store-api";
  static final String SERVICE = "store-backend";

  E2eCluster cluster;
  Kubelet kubelet;
  BackendProcess backend;

  @BeforeAll
  void start() throws Exception {
    cluster = new E2eCluster();
    cluster.createNamespace(NS);
    kubelet = cluster.kubelet(NS);
    Path logs = Files.createDirectories(Path.of(System.getProperty("e2e.logs", "target/e2e-logs")));
    int port = Ports.free();
    backend = BackendProcess.start("127.0.0.1", port, logs.resolve("backend-" + port + ".log"));
    kubelet.serviceAt(SERVICE, 8080, backend.address);
    cluster.startOperator();

    RateLimitPolicySpec spec = new RateLimitPolicySpec();
    spec.setLimits(List.of(new LimitSpec("per-minute", 10, "1m", null)));
    AgentSpec agent = new AgentSpec();
    agent.setReplicas(3);
    spec.setAgent(agent);
    Backend b = new Backend();
    b.setService(SERVICE);
    b.setPort(8080);
    spec.setBackend(b);
    cluster.create(NS, NAME, spec);
    cluster.awaitEnforced(kubelet, NS, NAME, 1, 3);
  }

  @AfterAll
  void stop() {
    if (kubelet != null) {
      kubelet.close();
    }
    if (backend != null) {
      backend.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @DisplayName(
      "renders the backend settings, lets exactly 10 of 60 concurrent requests reach the backend, and after an edit to 15 exactly 5 more")
  void limitsAtTheBackend() throws Exception {
    Map<String, String> env =
        cluster
            .client()
            .apps()
            .deployments()
            .inNamespace(NS)
            .withName(NAME + "-agent")
            .get()
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getEnv()
            .stream()
            .filter(e -> e.getValue() != null)
            .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    assertThat(env)
        .containsEntry("BACKEND_URL", "http://" + SERVICE + "." + NS + ".svc:8080")
        .containsEntry("BACKEND_TIMEOUT_MS", "30000");

    List<AgentProcess> agents = kubelet.readyAgents();
    assertThat(Http.burst(agents, 60))
        .as(() -> "status -> count; agents' outcomes:\n" + Http.outcomes(agents))
        .containsExactlyInAnyOrderEntriesOf(Map.of(200, 10, 429, 50));
    assertThat(backend.requests()).isEqualTo(10);

    cluster.edit(NS, NAME, s -> s.setLimits(List.of(new LimitSpec("per-minute", 15, "1m", null))));
    cluster.awaitEnforced(kubelet, NS, NAME, 2, 3);
    // the 10 already used count against the new 15: the counters are kept across the edit
    assertThat(Http.burst(kubelet.readyAgents(), 60))
        .as(() -> "status -> count; agents' outcomes:\n" + Http.outcomes(kubelet.readyAgents()))
        .containsExactlyInAnyOrderEntriesOf(Map.of(200, 5, 429, 55));
    assertThat(backend.requests()).isEqualTo(15);
  }
}
