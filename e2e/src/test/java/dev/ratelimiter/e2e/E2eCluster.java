package dev.ratelimiter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.operator.MockCluster;
import dev.ratelimiter.operator.Policies;
import dev.ratelimiter.operator.TestOperatorSettings;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The operator module's {@link MockCluster} (mock API server in CRUD mode, the real operator in
 * this JVM, built as OperatorMain builds it) with the committed CRD, and a {@link Kubelet} that
 * runs real agent processes and redis-server.
 */
final class E2eCluster extends MockCluster {

  E2eCluster() {
    super(
        Path.of(
            System.getProperty("crd.file", "../crds/ratelimitpolicies.ratelimiter.dev-v1.yml")));
  }

  static Path agentJar() {
    Path jar = Path.of(System.getProperty("agent.jar", "../agent/target/agent.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " missing: build the agent first (mvn -B -pl agent package)");
    }
    return jar;
  }

  /**
   * A kubelet for {@code namespace}; pods get addresses 127.0.X.2, .3, … with X random per run
   * (override: -De2e.subnet=127.0.0).
   */
  Kubelet kubelet(String namespace) throws IOException {
    String subnet =
        System.getProperty("e2e.subnet", "127.0." + ThreadLocalRandom.current().nextInt(100, 250));
    Path logs = Path.of(System.getProperty("e2e.logs", "target/e2e-logs"));
    Files.createDirectories(logs);
    return new Kubelet(
        this, namespace, agentJar(), Files.createTempDirectory(logs, namespace + "-"), subnet);
  }

  /** The real operator, with images of its own (the kubelet runs agent.jar whatever they say). */
  @Override
  public Operator startOperator() {
    return startOperator(
        TestOperatorSettings.of("example.test/agent:e2e", "example.test/redis:e2e", Set.of())
            .build());
  }

  RateLimitPolicy create(String namespace, String name, RateLimitPolicySpec spec) {
    return create(Policies.policy(namespace, name, spec));
  }

  Optional<Condition> condition(String namespace, String name, String type) {
    RateLimitPolicy p = get(namespace, name);
    if (p == null || p.getStatus() == null || p.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return p.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /**
   * Waits until the status of {@code namespace/name} says every one of {@code agents} ready agents
   * enforces {@code generation} and the policy is Ready, then asks each agent what it runs.
   */
  void awaitEnforced(Kubelet kubelet, String namespace, String name, long generation, int agents) {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(kubelet.readyAgents()).hasSize(agents);
              var status = get(namespace, name).getStatus();
              assertThat(status.getObservedGeneration()).isEqualTo(generation);
              assertThat(status.getAgents().getEnforcing()).isEqualTo(agents);
              assertThat(condition(namespace, name, "Enforced"))
                  .hasValueSatisfying(
                      c -> {
                        assertThat(c.getStatus()).isEqualTo("True");
                        assertThat(c.getObservedGeneration()).isEqualTo(generation);
                        assertThat(c.getMessage())
                            .isEqualTo(
                                "all "
                                    + agents
                                    + " ready agent pod(s) enforce generation "
                                    + generation);
                      });
              assertThat(condition(namespace, name, "Ready").map(Condition::getStatus))
                  .contains("True");
            });
    for (AgentProcess a : kubelet.readyAgents()) {
      assertThat(Http.policyInForce(a).get("generation").asLong())
          .as("generation in force at " + a)
          .isEqualTo(generation);
    }
  }
}
