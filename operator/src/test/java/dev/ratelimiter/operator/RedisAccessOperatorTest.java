package dev.ratelimiter.operator;

import static dev.ratelimiter.operator.Policies.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.operator.customresource.ExternalRedis;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.customresource.RedisSpec;
import dev.ratelimiter.operator.customresource.SecretKeyRef;
import dev.ratelimiter.operator.customresource.StatusConditions;
import dev.ratelimiter.operator.spec.RedisAccess;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The operator, with an external Redis,")
class RedisAccessOperatorTest {

  static final Duration TIMEOUT = Duration.ofSeconds(20);
  MockCluster cluster;

  @BeforeAll
  void start() {
    cluster = new MockCluster();
    cluster.startOperator(
        TestOperatorSettings.of(MockCluster.AGENT_IMAGE, MockCluster.REDIS_IMAGE, Set.of())
            .withRedisAllowedHosts("redis.shared, .redis.svc")
            .build());
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  static RateLimitPolicySpec external(String url, String secret) {
    RateLimitPolicySpec s = new RateLimitPolicySpec();
    s.setRedis(
        new RedisSpec(
            new ExternalRedis(url, secret == null ? null : new SecretKeyRef(secret, "password"))));
    return s;
  }

  Condition condition(String ns, String name, String type) {
    return StatusConditions.find(cluster.get(ns, name).getStatus().getConditions(), type);
  }

  @Test
  @DisplayName(
      "renders nothing with a Secret its owner did not label, says so in RedisReady, and goes ahead once it is labelled")
  void secretMustBeLabelled() {
    String ns = cluster.newNamespace("borrow");
    cluster.createSecret(ns, "db-password", "password", false);
    cluster.create(policy(ns, "api", external("redis://redis.shared:6379", "db-password")));
    await().atMost(TIMEOUT).until(() -> cluster.reconciled(ns, "api"));

    Condition redis = condition(ns, "api", "RedisReady");
    assertThat(redis.getStatus()).isEqualTo("False");
    assertThat(redis.getReason()).isEqualTo("SecretNotAllowed");
    assertThat(redis.getMessage())
        .contains(ns + "/db-password")
        .contains("ratelimiter.dev/allow-redis-credentials");
    assertThat(condition(ns, "api", "Ready").getReason()).isEqualTo("SecretNotAllowed");
    assertThat(cluster.get(Deployment.class, ns, "api-agent"))
        .as("no agent Deployment referencing the Secret")
        .isNull();
    assertThat(cluster.get(ConfigMap.class, ns, "api-agent-policy")).isNull();
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                cluster.client().v1().events().inNamespace(ns).list().getItems().stream()
                    .map(Event::getReason)
                    .anyMatch("SecretNotAllowed"::equals));

    // the Secret's owner allows it: the label alone triggers the reconcile that uses it
    cluster
        .client()
        .secrets()
        .inNamespace(ns)
        .withName("db-password")
        .edit(
            s -> {
              s.getMetadata().getLabels().put(RedisAccess.ALLOW_LABEL, "true");
              return s;
            });
    Deployment agent =
        await()
            .atMost(TIMEOUT)
            .until(() -> cluster.get(Deployment.class, ns, "api-agent"), d -> d != null);
    assertThat(agent.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .filteredOn(e -> e.getName().equals("REDIS_PASSWORD"))
        .singleElement()
        .satisfies(
            e -> assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("db-password"));
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> assertThat(condition(ns, "api", "RedisReady").getReason()).isEqualTo("External"));
  }

  @Test
  @DisplayName("refuses a Secret labelled anything but \"true\", and one that does not exist")
  void otherLabelValuesAndMissingSecrets() {
    String ns = cluster.newNamespace("nolabel");
    Secret s = cluster.createSecret(ns, "maybe", "password", false);
    cluster
        .client()
        .secrets()
        .inNamespace(ns)
        .withName(s.getMetadata().getName())
        .edit(
            x -> {
              x.getMetadata()
                  .setLabels(
                      new java.util.HashMap<>(java.util.Map.of(RedisAccess.ALLOW_LABEL, "yes")));
              return x;
            });
    cluster.create(policy(ns, "a", external("redis://redis.shared:6379", "maybe")));
    cluster.create(policy(ns, "b", external("redis://redis.shared:6379", "missing")));
    for (String name : List.of("a", "b")) {
      await().atMost(TIMEOUT).until(() -> cluster.reconciled(ns, name));
      assertThat(condition(ns, name, "RedisReady").getReason()).isEqualTo("SecretNotAllowed");
      assertThat(cluster.get(Deployment.class, ns, name + "-agent")).isNull();
    }
  }

  @Test
  @DisplayName(
      "refuses a Redis host outside REDIS_ALLOWED_HOSTS, naming the host and the setting, and accepts names and suffixes on it")
  void hostsAreRestricted() {
    String ns = cluster.newNamespace("hosts");
    cluster.create(policy(ns, "elsewhere", external("redis://redis.attacker.example:6379", null)));
    cluster.create(policy(ns, "named", external("redis://redis.shared:6379", null)));
    cluster.create(policy(ns, "suffix", external("rediss://cache.redis.svc:6380", null)));
    cluster.create(policy(ns, "suffix-only", external("redis://evilredis.svc:6379", null)));
    for (String name : List.of("elsewhere", "named", "suffix", "suffix-only")) {
      await().atMost(TIMEOUT).until(() -> cluster.reconciled(ns, name));
    }
    for (String refused : List.of("elsewhere", "suffix-only")) {
      Condition redis = condition(ns, refused, "RedisReady");
      assertThat(redis.getReason()).isEqualTo("HostNotAllowed");
      assertThat(redis.getMessage())
          .contains("REDIS_ALLOWED_HOSTS")
          .contains(refused.equals("elsewhere") ? "redis.attacker.example" : "evilredis.svc");
      assertThat(cluster.get(Deployment.class, ns, refused + "-agent")).isNull();
    }
    for (String allowed : List.of("named", "suffix")) {
      await()
          .atMost(TIMEOUT)
          .until(() -> cluster.get(Deployment.class, ns, allowed + "-agent") != null);
      assertThat(condition(ns, allowed, "RedisReady").getReason()).isEqualTo("External");
    }
  }
}
