package dev.ratelimiter.operator;

import static dev.ratelimiter.operator.Policies.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.operator.customresource.LimitSpec;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.customresource.StatusConditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The operator pushes each policy generation to the agent pods, and")
class PolicyPushTest {

  static final Duration TIMEOUT = Duration.ofSeconds(20);
  MockCluster cluster;
  final List<FakeAgent> agents = new ArrayList<>();

  @BeforeAll
  void start() {
    cluster = new MockCluster();
    cluster.startOperator();
  }

  @AfterAll
  void stop() {
    cluster.close();
    agents.forEach(FakeAgent::close);
  }

  FakeAgent agent() {
    FakeAgent a = new FakeAgent();
    agents.add(a);
    return a;
  }

  /** A policy whose Deployments are ready, so only enforcement decides Ready. */
  void readyPolicy(String ns, String name) {
    cluster.create(policy(ns, name, new RateLimitPolicySpec()));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                cluster.reconciled(ns, name)
                    && cluster.get(
                            io.fabric8.kubernetes.api.model.apps.Deployment.class,
                            ns,
                            name + "-agent")
                        != null
                    && cluster.get(
                            io.fabric8.kubernetes.api.model.apps.Deployment.class,
                            ns,
                            name + "-redis")
                        != null);
    cluster.markReady(ns, name + "-redis");
    cluster.markReady(ns, name + "-agent");
  }

  Condition condition(String ns, String name, String type) {
    var status = cluster.get(ns, name).getStatus();
    return status == null ? null : StatusConditions.find(status.getConditions(), type);
  }

  void edit(String ns, String name, long requests) {
    cluster.edit(
        ns, name, s -> s.setLimits(List.of(new LimitSpec("default", requests, "1m", null))));
  }

  @Test
  @DisplayName(
      "reports Enforced only for the generation every ready agent pod confirmed, re-pushing when a pod becomes ready")
  void pushesEveryGenerationToEveryReadyPod() {
    String ns = cluster.newNamespace("push");
    readyPolicy(ns, "api");
    FakeAgent a = agent();
    FakeAgent b = agent();
    FakeAgent later = agent();
    cluster.runPod(a.pod(ns, "api", "api-agent-a", true));
    cluster.runPod(b.pod(ns, "api", "api-agent-b", true));
    cluster.runPod(later.pod(ns, "api", "api-agent-c", false));

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(condition(ns, "api", "Enforced"))
                  .extracting(
                      Condition::getStatus,
                      Condition::getReason,
                      Condition::getObservedGeneration,
                      Condition::getMessage)
                  .containsExactly(
                      "True",
                      "AllAgentsEnforce",
                      1L,
                      "all 2 ready agent pod(s) enforce generation 1");
              assertThat(cluster.get(ns, "api").getStatus().getAgents().getEnforcing())
                  .isEqualTo(2);
              assertThat(condition(ns, "api", "Ready").getStatus()).isEqualTo("True");
            });
    String token =
        new String(
            Base64.getDecoder()
                .decode(cluster.get(Secret.class, ns, "api-agent-admin").getData().get("token")),
            StandardCharsets.UTF_8);
    String document =
        cluster.get(ConfigMap.class, ns, "api-agent-policy").getData().get("policy.yaml");
    assertThat(document).endsWith("agents: 1\n");
    assertThat(a.pushes())
        .isNotEmpty()
        .allSatisfy(
            p -> {
              assertThat(p.authorization()).isEqualTo("Bearer " + token);
              // the ConfigMap's document, with the number of ready agent pods when it was pushed
              assertThat(p.body()).isIn(document, document.replace("agents: 1\n", "agents: 2\n"));
            });
    assertThat(later.pushes()).as("a pod that is not ready gets nothing").isEmpty();

    edit(ns, "api", 20);
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(condition(ns, "api", "Enforced"))
                  .extracting(Condition::getStatus, Condition::getObservedGeneration)
                  .containsExactly("True", 2L);
              assertThat(a.running()).isEqualTo(2);
              assertThat(b.running()).isEqualTo(2);
            });
    assertThat(later.pushes()).isEmpty();

    var readyStatus = a.pod(ns, "api", "x", true).getStatus();
    cluster.setPodStatus(ns, "api-agent-c", readyStatus);
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(later.running()).isEqualTo(2);
              assertThat(cluster.get(ns, "api").getStatus().getAgents().getEnforcing())
                  .isEqualTo(3);
              assertThat(condition(ns, "api", "Enforced").getMessage())
                  .isEqualTo("all 3 ready agent pod(s) enforce generation 2");
            });
  }

  /** The {@code agents} field of the last document pushed to {@code agent}. */
  static String lastAgents(FakeAgent agent) {
    var pushes = agent.pushes();
    if (pushes.isEmpty()) {
      return null;
    }
    String body = pushes.get(pushes.size() - 1).body();
    return body.lines().filter(l -> l.startsWith("agents: ")).findFirst().orElse("none");
  }

  @Test
  @DisplayName(
      "writes the number of ready agent pods into the pushed document as agents, and re-pushes the same generation when it changes")
  void agentsFollowTheReadyPodCount() {
    String ns = cluster.newNamespace("agents");
    readyPolicy(ns, "api");
    FakeAgent a = agent();
    FakeAgent b = agent();
    cluster.runPod(a.pod(ns, "api", "api-agent-a", true));
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(lastAgents(a)).isEqualTo("agents: 1"));

    cluster.runPod(b.pod(ns, "api", "api-agent-b", true));
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(lastAgents(a)).isEqualTo("agents: 2");
              assertThat(lastAgents(b)).isEqualTo("agents: 2");
            });
    assertThat(cluster.get(ns, "api").getMetadata().getGeneration())
        .as("not a spec change")
        .isEqualTo(1L);
    assertThat(a.running()).isEqualTo(1);

    cluster.setPodStatus(ns, "api-agent-b", b.pod(ns, "api", "x", false).getStatus());
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(lastAgents(a)).isEqualTo("agents: 1"));
    assertThat(cluster.get(ns, "api").getMetadata().getGeneration()).isEqualTo(1L);
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> assertThat(condition(ns, "api", "Enforced").getStatus()).isEqualTo("True"));
  }

  @Test
  @DisplayName(
      "says which pod rejected a generation and why, keeps retrying, and reports Enforced once it accepts")
  void rejectionIsReportedAndRetried() {
    String ns = cluster.newNamespace("reject");
    readyPolicy(ns, "api");
    FakeAgent good = agent();
    FakeAgent picky = agent();
    cluster.runPod(good.pod(ns, "api", "api-agent-good", true));
    cluster.runPod(picky.pod(ns, "api", "api-agent-picky", true));
    await()
        .atMost(TIMEOUT)
        .until(() -> "True".equals(condition(ns, "api", "Enforced").getStatus()));

    picky.rejectWith("limits[0].requests: too many");
    edit(ns, "api", 30);
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(cluster.get(ns, "api").getStatus().getConditions())
                  .extracting(Condition::getType, Condition::getStatus, Condition::getReason)
                  .containsExactly(
                      tuple("Ready", "False", "NotEnforced"),
                      tuple("RedisReady", "True", "DeploymentReady"),
                      tuple("AgentsReady", "True", "ReplicasReady"),
                      tuple("Enforced", "False", "AgentRejectedPolicy"));
              assertThat(condition(ns, "api", "Enforced").getMessage())
                  .isEqualTo(
                      "1 of 2 ready agent pod(s) enforce generation 2; not yet: api-agent-picky (runs generation 1; rejected generation 2: "
                          + "Invalid policy, the policy in force is unchanged: limits[0].requests: too many)");
              assertThat(cluster.get(ns, "api").getStatus().getAgents().getEnforcing())
                  .isEqualTo(1);
            });
    int rejectedPushes = picky.pushes().size();

    picky.rejectWith(null);
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(condition(ns, "api", "Enforced"))
                  .extracting(Condition::getStatus, Condition::getObservedGeneration)
                  .containsExactly("True", 2L);
              assertThat(picky.running()).isEqualTo(2);
            });
    assertThat(picky.pushes().size())
        .as("retried without any new event")
        .isGreaterThan(rejectedPushes);
  }

  @Test
  @DisplayName("names a ready pod it cannot reach, and does not call the generation enforced")
  void unreachablePodIsNamed() {
    String ns = cluster.newNamespace("unreachable");
    readyPolicy(ns, "api");
    FakeAgent good = agent();
    FakeAgent gone = agent();
    var gonePod = gone.pod(ns, "api", "api-agent-gone", true);
    int gonePort = gone.port();
    // closed before its pod appears: else a push may reach it first, and with it confirmed the
    // next push (the 30 s resync) comes after the wait below
    gone.close();
    cluster.runPod(good.pod(ns, "api", "api-agent-good", true));
    cluster.runPod(gonePod);

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              Condition enforced = condition(ns, "api", "Enforced");
              assertThat(enforced.getStatus()).isEqualTo("False");
              assertThat(enforced.getReason()).isEqualTo("AgentUnreachable");
              assertThat(enforced.getMessage())
                  .startsWith(
                      "1 of 2 ready agent pod(s) enforce generation 1; not yet: api-agent-gone (generation unknown; unreachable at 127.0.0.1:"
                          + gonePort);
              assertThat(condition(ns, "api", "Ready").getStatus()).isEqualTo("False");
            });
  }
}
