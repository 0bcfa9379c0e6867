package dev.ratelimiter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratelimiter.operator.customresource.AgentSpec;
import dev.ratelimiter.operator.customresource.Limit;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One policy's life, in order: the mock API server, the real operator, a real redis-server and
 * three real agent processes started by {@link Kubelet} from what the operator rendered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("A live policy, end to end (operator, redis-server, three agent processes),")
class LivePolicyIT {

  static final String NS = "shop";
  static final String NAME = "public-api";
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  E2eCluster cluster;
  Kubelet kubelet;

  @BeforeAll
  void start() throws Exception {
    cluster = new E2eCluster();
    cluster.newNamespace(NS);
    kubelet = cluster.kubelet(NS);
    cluster.startOperator();
    RateLimitPolicySpec spec = new RateLimitPolicySpec();
    spec.setLimits(List.of(new Limit("per-minute", 10, "1m", null)));
    AgentSpec agent = new AgentSpec();
    agent.setReplicas(3);
    spec.setAgent(agent);
    cluster.create(NS, NAME, spec);
    awaitEnforced(1, 3);
  }

  @AfterAll
  void stop() {
    if (kubelet != null) {
      kubelet.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  void awaitEnforced(long generation, int agents) {
    cluster.awaitEnforced(kubelet, NS, NAME, generation, agents);
  }

  static long requestsInForce(AgentProcess a) {
    JsonNode limits = Http.policyInForce(a).get("limits");
    assertThat(limits).hasSize(1);
    return limits.get(0).get("requests").asLong();
  }

  String adminToken() {
    Secret s = cluster.client().secrets().inNamespace(NS).withName(NAME + "-agent-admin").get();
    return new String(Base64.getDecoder().decode(s.getData().get("token")), StandardCharsets.UTF_8);
  }

  void setRequests(long requests) {
    cluster.edit(NS, NAME, s -> s.setLimits(List.of(new Limit("per-minute", requests, "1m", null))));
  }

  @Test
  @Order(1)
  @DisplayName("lets exactly 10 of 100 concurrent requests through three agents sharing one Redis")
  void exactQuotaAcrossAgents() {
    List<AgentProcess> agents = kubelet.readyAgents();
    assertThat(agents).hasSize(3).allSatisfy(a -> assertThat(requestsInForce(a)).isEqualTo(10));

    Map<Integer, Integer> answers = Http.burst(agents, 100);
    assertThat(answers).as(() -> "status -> count; agents' outcomes:\n" + Http.outcomes(agents)).containsExactlyInAnyOrderEntriesOf(Map.of(200, 10, 429, 90));
    for (AgentProcess a : agents) {
      HttpResponse<String> refused = Http.get(a.api());
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("RateLimit-Policy")).contains("\"per-minute\";q=10;w=60");
    }
  }

  @Test
  @Order(2)
  @DisplayName("applies an edit to 20 per minute on every agent without a restart, keeps the counters, and reports Enforced for generation 2")
  void editReachesEveryAgent() {
    List<String> podsBefore = kubelet.agents().stream().map(a -> a.pod).toList();
    setRequests(20);
    awaitEnforced(2, 3);
    assertThat(kubelet.agents()).extracting(a -> a.pod).as("same pods, no restart").containsExactlyElementsOf(podsBefore);
    assertThat(kubelet.agents()).allSatisfy(a -> assertThat(requestsInForce(a)).as("requests at " + a).isEqualTo(20));

    // 10 of the 20 were used before the edit: the counters live in Redis, keyed by limit name
    assertThat(Http.burst(kubelet.readyAgents(), 100)).as(() -> "status -> count; agents' outcomes:\n" + Http.outcomes(kubelet.readyAgents())).containsExactlyInAnyOrderEntriesOf(Map.of(200, 10, 429, 90));
    for (AgentProcess a : kubelet.agents()) {
      assertThat(Http.get(a.api()).headers().firstValue("RateLimit-Policy")).contains("\"per-minute\";q=20;w=60");
    }
  }

  @Test
  @Order(3)
  @DisplayName("replaces a killed agent with one that starts from the ConfigMap on the current generation")
  void replacementRunsCurrentPolicy() {
    AgentProcess victim = kubelet.readyAgents().get(0);
    kubelet.kill(victim.pod);
    await().atMost(TIMEOUT).until(() -> kubelet.readyAgents().size() == 3 && kubelet.readyAgents().stream().noneMatch(a -> a.pod.equals(victim.pod)));
    awaitEnforced(2, 3);
    AgentProcess replacement = kubelet.readyAgents().get(2);
    assertThat(replacement.ip).isNotEqualTo(victim.ip);
    assertThat(requestsInForce(replacement)).isEqualTo(20);
  }

  @Test
  @Order(4)
  @DisplayName("starts new agents from the ConfigMap while the operator is down, and converges every agent on an edit made meanwhile once it is back")
  void operatorDownThenBack() {
    cluster.stopOperator();
    AgentProcess victim = kubelet.readyAgents().get(1);
    kubelet.kill(victim.pod);
    await().atMost(TIMEOUT).until(() -> kubelet.readyAgents().size() == 3 && kubelet.readyAgents().stream().noneMatch(a -> a.pod.equals(victim.pod)));
    assertThat(kubelet.readyAgents()).allSatisfy(a -> assertThat(Http.policyInForce(a).get("generation").asLong()).isEqualTo(2));

    setRequests(30);
    assertThat(cluster.get(NS, NAME).getMetadata().getGeneration()).isEqualTo(3);
    assertThat(kubelet.readyAgents()).as("nobody pushes while the operator is down")
        .allSatisfy(a -> assertThat(requestsInForce(a)).isEqualTo(20));

    cluster.startOperator();
    awaitEnforced(3, 3);
    assertThat(kubelet.readyAgents()).allSatisfy(a -> assertThat(requestsInForce(a)).isEqualTo(30));
    String configMap = cluster.client().configMaps().inNamespace(NS).withName(NAME + "-agent-policy").get().getData().get("policy.yaml");
    assertThat(configMap).contains("generation: 3").contains("requests: 30");
  }

  @Test
  @Order(5)
  @DisplayName("answers an invalid document pushed by hand with 400 naming the field, and keeps the policy in force")
  void invalidPushKeepsPolicy() {
    AgentProcess agent = kubelet.readyAgents().get(0);
    String invalid = "policy: shop/public-api\ngeneration: 7\nlimits:\n- name: per-minute\n  requests: 30\n  window: 1d\n";

    HttpResponse<String> answer = Http.putPolicy(agent, adminToken(), invalid);
    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    JsonNode problem = Http.json(answer.body());
    assertThat(problem.get("field").asText()).isEqualTo("limits[0].window");
    assertThat(problem.get("detail").asText()).contains("limits[0].window").contains("1d");
    assertThat(Http.putPolicy(agent, null, invalid).statusCode()).as("without the token").isEqualTo(401);

    JsonNode inForce = Http.policyInForce(agent);
    assertThat(inForce.get("generation").asLong()).isEqualTo(3);
    assertThat(inForce.get("limits").get(0).get("requests").asLong()).isEqualTo(30);
    assertThat(inForce.get("limits").get(0).get("window").asText()).isEqualTo("1m");
  }

  @Test
  @Order(6)
  @DisplayName("does not report Enforced while one agent runs another generation, names it, and recovers when it is replaced")
  void agentOnAnotherGenerationIsNamed() {
    AgentProcess odd = kubelet.readyAgents().get(2);
    String ahead = cluster.client().configMaps().inNamespace(NS).withName(NAME + "-agent-policy").get().getData().get("policy.yaml")
        .replace("generation: 3", "generation: 99");
    assertThat(Http.putPolicy(odd, adminToken(), ahead).statusCode()).isEqualTo(200);

    setRequests(40);
    await().atMost(TIMEOUT).untilAsserted(() -> {
      assertThat(cluster.get(NS, NAME).getStatus().getObservedGeneration()).isEqualTo(4);
      assertThat(cluster.condition(NS, NAME, "Enforced")).hasValueSatisfying(c -> {
        assertThat(c.getStatus()).isEqualTo("False");
        assertThat(c.getReason()).isEqualTo("Pending");
        assertThat(c.getMessage()).isEqualTo("2 of 3 ready agent pod(s) enforce generation 4; not yet: "
            + odd.pod + " (runs generation 99; already runs a newer generation than 4)");
      });
      assertThat(cluster.condition(NS, NAME, "Ready").map(Condition::getStatus)).contains("False");
      assertThat(cluster.get(NS, NAME).getStatus().getAgents().getEnforcing()).isEqualTo(2);
    });

    kubelet.kill(odd.pod);
    awaitEnforced(4, 3);
    assertThat(kubelet.readyAgents()).extracting(a -> a.pod).doesNotContain(odd.pod);
    assertThat(kubelet.readyAgents()).allSatisfy(a -> assertThat(requestsInForce(a)).isEqualTo(40));
  }
}
