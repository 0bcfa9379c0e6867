package dev.ratelimiter.operator;

import static dev.ratelimiter.operator.Policies.policy;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.spec.Labels;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The real operator on one mock API server for a whole test class, and what the operator tests
 * share: an admin's apply, edit and replace, the waits for the operator, fake agent pods and the
 * objects a policy owns. Each subclass is one subject: {@link PolicyObjectsOperatorTest}, {@link
 * PolicyStatusOperatorTest}, {@link PolicyEditsOperatorTest}, {@link InvalidPolicyOperatorTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OperatorOnMockCluster {

  static final Duration TIMEOUT = Duration.ofSeconds(20);
  MockCluster cluster;
  KubernetesClient client;

  @BeforeAll
  void startCluster() {
    cluster = new MockCluster();
    client = cluster.client();
    cluster.startOperator();
  }

  @AfterAll
  void stopCluster() {
    cluster.close();
    agents.forEach(FakeAgent::close);
  }

  final List<FakeAgent> agents = new java.util.concurrent.CopyOnWriteArrayList<>();

  FakeAgent runAgentPod(String ns, String policy, String pod) {
    FakeAgent agent = new FakeAgent();
    agents.add(agent);
    cluster.runPod(agent.pod(ns, policy, pod, true));
    return agent;
  }

  RateLimitPolicy apply(String ns, String name, RateLimitPolicySpec spec) {
    return cluster.create(policy(ns, name, spec));
  }

  RateLimitPolicy edit(String ns, String name, Consumer<RateLimitPolicySpec> change) {
    return cluster.edit(ns, name, change);
  }

  void awaitReconciled(String ns, String name) {
    await().atMost(TIMEOUT).until(() -> cluster.reconciled(ns, name));
  }

  <T extends HasMetadata> T awaitObject(Class<T> type, String ns, String name) {
    return await().atMost(TIMEOUT).until(() -> cluster.get(type, ns, name), o -> o != null);
  }

  <T extends HasMetadata> List<T> owned(Class<T> type, String ns, String policy) {
    return client
        .resources(type)
        .inNamespace(ns)
        .withLabel(Labels.INSTANCE, policy)
        .list()
        .getItems();
  }

  static Map<String, String> labels(String name, String component) {
    return Map.of(
        "app.kubernetes.io/name",
        "ratelimiter",
        "app.kubernetes.io/instance",
        name,
        "app.kubernetes.io/component",
        component,
        "app.kubernetes.io/managed-by",
        "ratelimiter-operator");
  }

  static String secretValue(Secret s, String key) {
    return new String(
        java.util.Base64.getDecoder().decode(s.getData().get(key)),
        java.nio.charset.StandardCharsets.US_ASCII);
  }

  /**
   * A PUT of the whole resource as the admin last wrote it, minus a field; retried when it races
   * the status write.
   */
  void replaceWithout(String ns, String name, Consumer<RateLimitPolicySpec> remove) {
    for (int attempt = 1; ; attempt++) {
      RateLimitPolicy current = cluster.get(ns, name);
      remove.accept(current.getSpec());
      try {
        client.resource(current).update();
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 20) {
          throw e;
        }
      }
    }
  }

  static List<EnvVar> agentEnv(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
  }
}
