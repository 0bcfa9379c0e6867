package dev.ratelimiter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratelimiter.operator.customresource.AgentSpec;
import dev.ratelimiter.operator.customresource.ClientKey;
import dev.ratelimiter.operator.customresource.LimitSpec;
import dev.ratelimiter.operator.customresource.RateLimitOverride;
import dev.ratelimiter.operator.customresource.RateLimitOverrideSpec;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.oncall.ClientRequests;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One live policy: the mock API server, the real operator, a real redis-server and three real agent
 * processes started by {@link Kubelet} from what the operator rendered. The tests share the fleet
 * (starting it is the slow part) but not their state: each works from the generation and limit it
 * finds, sets what it needs itself, leaves the operator running and three agents ready, and counts
 * as a client address of its own (the agents trust the test, on 127.0.0.1, as a proxy, so {@code
 * X-Forwarded-For} chooses the client), so any one runs alone and in any order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
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
    cluster.createNamespace(NS);
    kubelet = cluster.kubelet(NS);
    cluster.startOperator();
    RateLimitPolicySpec spec = new RateLimitPolicySpec();
    spec.setLimits(List.of(new LimitSpec("per-minute", 10, "1m", null)));
    ClientKey clientKey = new ClientKey();
    clientKey.setTrustedProxies(List.of("127.0.0.1/32"));
    spec.setClientKey(clientKey);
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
    cluster.edit(
        NS, NAME, s -> s.setLimits(List.of(new LimitSpec("per-minute", requests, "1m", null))));
  }

  long generation() {
    return cluster.get(NS, NAME).getMetadata().getGeneration();
  }

  /**
   * Sets the limit to {@code requests} per minute and waits until all three agents enforce it;
   * answers the generation.
   */
  long enforce(long requests) {
    setRequests(requests);
    long generation = generation();
    awaitEnforced(generation, 3);
    return generation;
  }

  @Test
  @DisplayName("lets exactly 10 of 100 concurrent requests through three agents sharing one Redis")
  void exactQuotaAcrossAgents() {
    enforce(10);
    String client = "198.51.100.1";
    List<AgentProcess> agents = kubelet.readyAgents();
    assertThat(agents).hasSize(3).allSatisfy(a -> assertThat(requestsInForce(a)).isEqualTo(10));

    Map<Integer, Integer> answers = Http.burst(agents, 100, client);
    assertThat(answers)
        .as(() -> "status -> count; agents' outcomes:\n" + Http.outcomes(agents))
        .containsExactlyInAnyOrderEntriesOf(Map.of(200, 10, 429, 90));
    for (AgentProcess a : agents) {
      HttpResponse<String> refused = Http.getAs(client, a.api());
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("RateLimit-Policy"))
          .contains("\"per-minute\";q=10;w=60");
    }
  }

  @Test
  @DisplayName(
      "applies an edit from 10 to 20 per minute on every agent without a restart, keeps the counters, and reports Enforced for the new generation")
  void editReachesEveryAgent() {
    long before = enforce(10);
    String client = "198.51.100.2";
    assertThat(Http.burst(kubelet.readyAgents(), 30, client))
        .containsExactlyInAnyOrderEntriesOf(Map.of(200, 10, 429, 20));

    List<String> podsBefore = kubelet.agents().stream().map(a -> a.pod).toList();
    setRequests(20);
    assertThat(generation()).isEqualTo(before + 1);
    awaitEnforced(before + 1, 3);
    assertThat(kubelet.agents())
        .extracting(a -> a.pod)
        .as("same pods, no restart")
        .containsExactlyElementsOf(podsBefore);
    assertThat(kubelet.agents())
        .allSatisfy(a -> assertThat(requestsInForce(a)).as("requests at " + a).isEqualTo(20));

    // 10 of the 20 were used before the edit: the counters live in Redis, keyed by limit name
    assertThat(Http.burst(kubelet.readyAgents(), 100, client))
        .as(() -> "status -> count; agents' outcomes:\n" + Http.outcomes(kubelet.readyAgents()))
        .containsExactlyInAnyOrderEntriesOf(Map.of(200, 10, 429, 90));
    for (AgentProcess a : kubelet.agents()) {
      assertThat(Http.getAs(client, a.api()).headers().firstValue("RateLimit-Policy"))
          .contains("\"per-minute\";q=20;w=60");
    }
  }

  @Test
  @DisplayName(
      "replaces a killed agent with one that starts from the ConfigMap on the current generation")
  void replacementRunsCurrentPolicy() {
    long generation = enforce(25);
    AgentProcess victim = kubelet.readyAgents().get(0);
    kubelet.kill(victim.pod);
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                kubelet.readyAgents().size() == 3
                    && kubelet.readyAgents().stream().noneMatch(a -> a.pod.equals(victim.pod)));
    awaitEnforced(generation, 3);
    AgentProcess replacement = kubelet.readyAgents().get(2);
    assertThat(replacement.ip).isNotEqualTo(victim.ip);
    assertThat(requestsInForce(replacement)).isEqualTo(25);
  }

  @Test
  @DisplayName(
      "starts new agents from the ConfigMap while the operator is down, and converges every agent on an edit made meanwhile once it is back")
  void operatorDownThenBack() {
    long generation = enforce(30);
    cluster.stopOperator();
    try {
      AgentProcess victim = kubelet.readyAgents().get(1);
      kubelet.kill(victim.pod);
      await()
          .atMost(TIMEOUT)
          .until(
              () ->
                  kubelet.readyAgents().size() == 3
                      && kubelet.readyAgents().stream().noneMatch(a -> a.pod.equals(victim.pod)));
      assertThat(kubelet.readyAgents())
          .allSatisfy(
              a ->
                  assertThat(Http.policyInForce(a).get("generation").asLong())
                      .isEqualTo(generation));

      setRequests(35);
      assertThat(generation()).isEqualTo(generation + 1);
      assertThat(kubelet.readyAgents())
          .as("nobody pushes while the operator is down")
          .allSatisfy(a -> assertThat(requestsInForce(a)).isEqualTo(30));
    } finally {
      cluster.startOperator();
    }
    awaitEnforced(generation + 1, 3);
    assertThat(kubelet.readyAgents()).allSatisfy(a -> assertThat(requestsInForce(a)).isEqualTo(35));
    String configMap =
        cluster
            .client()
            .configMaps()
            .inNamespace(NS)
            .withName(NAME + "-agent-policy")
            .get()
            .getData()
            .get("policy.yaml");
    assertThat(configMap).contains("generation: " + (generation + 1)).contains("requests: 35");
  }

  @Test
  @DisplayName(
      "answers an invalid document pushed by hand with 400 naming the field, and keeps the policy in force")
  void invalidPushKeepsPolicy() {
    long generation = enforce(40);
    AgentProcess agent = kubelet.readyAgents().get(0);
    String invalid =
        "policy: shop/public-api\ngeneration: "
            + (generation + 5)
            + "\nlimits:\n- name: per-minute\n  requests: 30\n  window: 1d\n";

    HttpResponse<String> answer = Http.putPolicy(agent, adminToken(), invalid);
    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(answer.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    JsonNode problem = Http.json(answer.body());
    assertThat(problem.get("field").asText()).isEqualTo("limits[0].window");
    assertThat(problem.get("detail").asText()).contains("limits[0].window").contains("1d");
    assertThat(Http.putPolicy(agent, null, invalid).statusCode())
        .as("without the token")
        .isEqualTo(401);

    JsonNode inForce = Http.policyInForce(agent);
    assertThat(inForce.get("generation").asLong()).isEqualTo(generation);
    assertThat(inForce.get("limits").get(0).get("requests").asLong()).isEqualTo(40);
    assertThat(inForce.get("limits").get(0).get("window").asText()).isEqualTo("1m");
  }

  @Test
  @DisplayName(
      "does not report Enforced while one agent runs another generation, names it, and recovers when it is replaced")
  void agentOnAnotherGenerationIsNamed() {
    long generation = enforce(45);
    long ahead = generation + 100;
    AgentProcess odd = kubelet.readyAgents().get(2);
    String aheadDocument =
        cluster
            .client()
            .configMaps()
            .inNamespace(NS)
            .withName(NAME + "-agent-policy")
            .get()
            .getData()
            .get("policy.yaml")
            .replace("generation: " + generation, "generation: " + ahead);
    assertThat(Http.putPolicy(odd, adminToken(), aheadDocument).statusCode()).isEqualTo(200);

    setRequests(50);
    long next = generation + 1;
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(cluster.get(NS, NAME).getStatus().getObservedGeneration()).isEqualTo(next);
              assertThat(cluster.condition(NS, NAME, "Enforced"))
                  .hasValueSatisfying(
                      c -> {
                        assertThat(c.getStatus()).isEqualTo("False");
                        assertThat(c.getReason()).isEqualTo("Pending");
                        assertThat(c.getMessage())
                            .isEqualTo(
                                "2 of 3 ready agent pod(s) enforce generation "
                                    + next
                                    + "; not yet: "
                                    + odd.pod
                                    + " (runs generation "
                                    + ahead
                                    + "; already runs a newer generation than "
                                    + next
                                    + ")");
                      });
              assertThat(cluster.condition(NS, NAME, "Ready").map(Condition::getStatus))
                  .contains("False");
              assertThat(cluster.get(NS, NAME).getStatus().getAgents().getEnforcing()).isEqualTo(2);
            });

    kubelet.kill(odd.pod);
    awaitEnforced(next, 3);
    assertThat(kubelet.readyAgents()).extracting(a -> a.pod).doesNotContain(odd.pod);
    assertThat(kubelet.readyAgents()).allSatisfy(a -> assertThat(requestsInForce(a)).isEqualTo(50));
  }

  @Test
  @DisplayName(
      "rolls the agents when their admin-token Secret is deleted and restored with a new token, so that pushes work again and Enforced returns")
  void recreatedAdminSecretRollsAgents() {
    enforce(55);
    String oldToken = adminToken();
    List<String> podsBefore = kubelet.agents().stream().map(a -> a.pod).toList();

    cluster.client().secrets().inNamespace(NS).withName(NAME + "-agent-admin").delete();
    await()
        .atMost(TIMEOUT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              String token = adminToken();
              assertThat(token).as("restored with a new token").isNotEqualTo(oldToken);
              assertThat(kubelet.agents())
                  .hasSize(3)
                  .allSatisfy(
                      a -> {
                        assertThat(podsBefore).as("rolled").doesNotContain(a.pod);
                        assertThat(a.adminToken).isEqualTo(token);
                      });
              assertThat(kubelet.readyAgents()).hasSize(3);
            });
    enforce(60);
    assertThat(kubelet.readyAgents()).allSatisfy(a -> assertThat(requestsInForce(a)).isEqualTo(60));
  }

  @Test
  @DisplayName(
      "a RateLimitOverride gives one client exactly 25 across three agents while the policy stays at 10, and leaves when deleted")
  void overrideThroughKubectl() {
    enforce(10);
    String partner = "198.51.100.90";
    RateLimitOverrideSpec spec = new RateLimitOverrideSpec();
    spec.setPolicy(NAME);
    spec.setClients(List.of(partner));
    spec.setLimits(List.of(new RateLimitOverrideSpec.OverrideLimit("per-minute", 25)));
    spec.setExpires(
        Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS).toString());
    RateLimitOverride override = new RateLimitOverride();
    override.setMetadata(new ObjectMetaBuilder().withName("partner").withNamespace(NS).build());
    override.setSpec(spec);
    cluster.client().resource(override).create();
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                kubelet.readyAgents().size() == 3
                    && kubelet.readyAgents().stream()
                        .allMatch(a -> Http.policyInForce(a).path("overrides").size() == 1));
    assertThat(Http.burst(kubelet.readyAgents(), 60, partner))
        .as(() -> "status -> count; agents' outcomes:\n" + Http.outcomes(kubelet.readyAgents()))
        .containsExactlyInAnyOrderEntriesOf(Map.of(200, 25, 429, 35));
    assertThat(Http.burst(kubelet.readyAgents(), 30, "198.51.100.91"))
        .containsExactlyInAnyOrderEntriesOf(Map.of(200, 10, 429, 20));
    cluster.client().resource(override).delete();
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                kubelet.readyAgents().stream()
                    .allMatch(a -> Http.policyInForce(a).path("overrides").isMissingNode()));
  }

  @Test
  @DisplayName(
      "kubectl annotate reset-client: the operator resets the client through one agent, every agent forgets its cached refusals, an Event says so and the annotation goes")
  void resetThroughKubectl() {
    enforce(10);
    String client = "198.51.100.92";
    List<AgentProcess> agents = kubelet.readyAgents();
    assertThat(Http.burst(agents, 30, client))
        .containsExactlyInAnyOrderEntriesOf(Map.of(200, 10, 429, 20));
    annotate(ClientRequests.RESET, client);
    await().atMost(TIMEOUT).until(() -> annotation(ClientRequests.RESET) == null);
    assertThat(events("ClientReset")).anyMatch(m -> m.contains(client));
    int allowed = 0;
    for (AgentProcess a : agents) { // each agent heard of the reset: its cache no longer refuses
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> Http.getAs(client, a.api()).statusCode() == 200);
      allowed++;
    }
    assertThat(Http.burst(agents, 30, client))
        .as("the full quota again, exactly")
        .containsExactlyInAnyOrderEntriesOf(Map.of(200, 10 - allowed, 429, 20 + allowed));
  }

  @Test
  @DisplayName("kubectl annotate inspect-client: the client's usage in an Event, counting nothing")
  void inspectThroughKubectl() {
    enforce(10);
    String client = "198.51.100.93";
    assertThat(Http.burst(kubelet.readyAgents(), 7, client))
        .containsExactlyInAnyOrderEntriesOf(Map.of(200, 7));
    annotate(ClientRequests.INSPECT, client);
    await()
        .atMost(TIMEOUT)
        .until(() -> events("ClientInspected").stream().anyMatch(m -> m.contains(client)));
    assertThat(events("ClientInspected"))
        .anyMatch(m -> m.contains(client) && m.contains("per-minute used 7 of 10, 3 left"));
    assertThat(Http.burst(kubelet.readyAgents(), 5, client))
        .as("looking took nothing")
        .containsExactlyInAnyOrderEntriesOf(Map.of(200, 3, 429, 2));
  }

  /** What kubectl annotate rlp NAME KEY=VALUE does. */
  void annotate(String key, String value) {
    cluster
        .client()
        .resources(RateLimitPolicy.class)
        .inNamespace(NS)
        .withName(NAME)
        .edit(
            p -> {
              if (p.getMetadata().getAnnotations() == null) {
                p.getMetadata().setAnnotations(new java.util.HashMap<>());
              }
              p.getMetadata().getAnnotations().put(key, value);
              return p;
            });
  }

  String annotation(String key) {
    Map<String, String> a = cluster.get(NS, NAME).getMetadata().getAnnotations();
    return a == null ? null : a.get(key);
  }

  List<String> events(String reason) {
    return cluster.client().v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .map(e -> e.getMessage())
        .toList();
  }
}
