package dev.ratelimiter.operator;

import static dev.ratelimiter.operator.Policies.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.operator.customresource.ExternalRedis;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.customresource.RedisSpec;
import dev.ratelimiter.operator.customresource.SecretKeyRef;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("A Secret whose value changes rolls the pods that read it:")
class SecretRollTest {

  static final Duration TIMEOUT = Duration.ofSeconds(20);
  static final String ADMIN_HASH = "ratelimiter.dev/admin-token-hash";
  static final String REDIS_HASH = "ratelimiter.dev/redis-auth-hash";
  MockCluster cluster;

  @BeforeAll
  void start() {
    cluster = new MockCluster();
    cluster.startOperator();
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  static String sha256(String value) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
  }

  String value(String ns, String secret, String key) {
    Secret s = cluster.get(Secret.class, ns, secret);
    return s == null
        ? null
        : new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
  }

  Map<String, String> template(String ns, String deployment) {
    Deployment d = cluster.get(Deployment.class, ns, deployment);
    return d == null ? null : d.getSpec().getTemplate().getMetadata().getAnnotations();
  }

  @Test
  @DisplayName(
      "each Deployment's pod template carries a hash (never the value) of the Secrets its pods read, and a Secret recreated with a new value changes it")
  void recreatedSecretsChangeTheTemplates() throws Exception {
    String ns = cluster.newNamespace("roll");
    cluster.create(policy(ns, "api", new RateLimitPolicySpec()));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                cluster.reconciled(ns, "api")
                    && template(ns, "api-agent") != null
                    && template(ns, "api-redis") != null);
    String token = value(ns, "api-agent-admin", "token");
    String password = value(ns, "api-redis-auth", "password");
    assertThat(template(ns, "api-agent"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(ADMIN_HASH, sha256(token), REDIS_HASH, sha256(password)));
    assertThat(template(ns, "api-redis"))
        .containsExactlyInAnyOrderEntriesOf(Map.of(REDIS_HASH, sha256(password)));
    assertThat(template(ns, "api-agent").values()).doesNotContain(token, password);

    cluster.client().secrets().inNamespace(ns).withName("api-agent-admin").delete();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              String restored = value(ns, "api-agent-admin", "token");
              assertThat(restored).as("restored with a new value").isNotNull().isNotEqualTo(token);
              assertThat(template(ns, "api-agent"))
                  .containsEntry(ADMIN_HASH, sha256(restored))
                  .containsEntry(REDIS_HASH, sha256(password));
            });
    assertThat(template(ns, "api-redis"))
        .as("Redis does not read the token")
        .containsExactlyInAnyOrderEntriesOf(Map.of(REDIS_HASH, sha256(password)));

    cluster.client().secrets().inNamespace(ns).withName("api-redis-auth").delete();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              String restored = value(ns, "api-redis-auth", "password");
              assertThat(restored)
                  .as("restored with a new value")
                  .isNotNull()
                  .isNotEqualTo(password);
              assertThat(template(ns, "api-redis")).containsEntry(REDIS_HASH, sha256(restored));
              assertThat(template(ns, "api-agent")).containsEntry(REDIS_HASH, sha256(restored));
            });
  }

  @Test
  @DisplayName("a new password in an external Redis's Secret rolls the agents too")
  void externalPasswordChangeRollsAgents() throws Exception {
    String ns = cluster.newNamespace("roll-external");
    cluster.createSecret(ns, "shared-redis", "pw", true);
    RateLimitPolicySpec spec = new RateLimitPolicySpec();
    spec.setRedis(
        new RedisSpec(
            new ExternalRedis(
                "redis://redis.shared:6379", new SecretKeyRef("shared-redis", "pw"))));
    cluster.create(policy(ns, "ext", spec));
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(template(ns, "ext-agent")).containsEntry(REDIS_HASH, sha256("s3cret")));

    cluster.edit(
        Secret.class,
        ns,
        "shared-redis",
        s -> {
          s.setData(
              Map.of(
                  "pw",
                  Base64.getEncoder().encodeToString("n3w".getBytes(StandardCharsets.UTF_8))));
          return s;
        });
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> assertThat(template(ns, "ext-agent")).containsEntry(REDIS_HASH, sha256("n3w")));
  }
}
