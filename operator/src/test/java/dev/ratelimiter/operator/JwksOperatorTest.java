package dev.ratelimiter.operator;

import static dev.ratelimiter.operator.Policies.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.operator.customresource.ClientKey;
import dev.ratelimiter.operator.customresource.ConfigMapKeyRef;
import dev.ratelimiter.operator.customresource.JwtSpec;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.customresource.StatusConditions;
import dev.ratelimiter.operator.spec.JwksAccess;
import dev.ratelimiter.operator.spec.Names;
import dev.ratelimiter.policy.Policy;
import dev.ratelimiter.policy.PolicyParser;
import dev.ratelimiter.testsupport.jwt.TestTokens;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The operator, with clientKey.source Jwt,")
class JwksOperatorTest {

  static final Duration TIMEOUT = Duration.ofSeconds(20);
  static final TestTokens FIRST = new TestTokens("first");
  static final TestTokens SECOND = new TestTokens("second");
  MockCluster cluster;

  @BeforeAll
  void start() {
    cluster = new MockCluster();
    cluster.startOperator(
        TestOperatorSettings.of(MockCluster.AGENT_IMAGE, MockCluster.REDIS_IMAGE, Set.of())
            .build());
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  static RateLimitPolicySpec jwtSpec() {
    JwtSpec jwt = new JwtSpec();
    jwt.setIssuer(TestTokens.ISSUER);
    jwt.setJwksConfigMapRef(new ConfigMapKeyRef("auth-jwks", "jwks.json"));
    ClientKey key = new ClientKey();
    key.setSource("Jwt");
    key.setJwt(jwt);
    RateLimitPolicySpec spec = new RateLimitPolicySpec();
    spec.setClientKey(key);
    return spec;
  }

  void writeJwks(String ns, String jwks, boolean labelled) {
    ConfigMap map =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("auth-jwks")
            .withNamespace(ns)
            .withLabels(labelled ? Map.of(JwksAccess.LABEL, "true") : Map.of())
            .endMetadata()
            .withData(Map.of("jwks.json", jwks))
            .build();
    cluster.client().configMaps().inNamespace(ns).resource(map).createOr(r -> r.update());
  }

  Policy rendered(String ns) throws Exception {
    ConfigMap doc = cluster.get(ConfigMap.class, ns, "api-agent-policy");
    return doc == null ? null : PolicyParser.parse(doc.getData().get(Names.POLICY_KEY));
  }

  Condition ready(String ns) {
    return StatusConditions.find(
        cluster.get(ns, "api").getStatus().getConditions(), StatusConditions.READY);
  }

  @Test
  @DisplayName(
      "puts the labelled ConfigMap's JWKS into the agents' document, and a key rotation (an edit of the ConfigMap) into the next one, same generation")
  void inlinesAndFollowsTheJwks() throws Exception {
    String ns = cluster.newNamespace("jwks");
    writeJwks(ns, TestTokens.jwks(FIRST.rsa), true);
    cluster.create(policy(ns, "api", jwtSpec()));
    Policy first = await().atMost(TIMEOUT).until(() -> rendered(ns), p -> p != null);
    assertThat(first.clientKey().jwt().jwks()).contains("first-rsa").doesNotContain("\"d\"");
    long generation = first.generation();

    writeJwks(ns, TestTokens.jwks(SECOND.ec), true);
    Policy rotated =
        await()
            .atMost(TIMEOUT)
            .until(
                () -> rendered(ns),
                p -> p != null && p.clientKey().jwt().jwks().contains("second-ec"));
    assertThat(rotated.clientKey().jwt().jwks()).doesNotContain("first-rsa");
    assertThat(rotated.generation()).isEqualTo(generation);
  }

  @Test
  @DisplayName(
      "renders nothing without a labelled ConfigMap (JwksNotFound, naming the label), and keeps the running document when the JWKS turns invalid (JwksInvalid)")
  void refusesMissingAndInvalidJwks() throws Exception {
    String ns = cluster.newNamespace("nojwks");
    writeJwks(ns, TestTokens.jwks(FIRST.ec), false);
    cluster.create(policy(ns, "api", jwtSpec()));
    await().atMost(TIMEOUT).until(() -> cluster.reconciled(ns, "api"));
    assertThat(ready(ns).getReason()).isEqualTo(JwksAccess.JWKS_NOT_FOUND);
    assertThat(ready(ns).getMessage()).contains(JwksAccess.LABEL).contains(ns + "/auth-jwks");
    assertThat(cluster.get(ConfigMap.class, ns, "api-agent-policy")).isNull();

    writeJwks(ns, TestTokens.jwks(FIRST.ec), true);
    await().atMost(TIMEOUT).until(() -> rendered(ns), p -> p != null);
    String running = cluster.get(ConfigMap.class, ns, "api-agent-policy").getData().toString();

    writeJwks(ns, new com.nimbusds.jose.jwk.JWKSet(FIRST.rsa).toString(false), true);
    await()
        .atMost(TIMEOUT)
        .untilAsserted(() -> assertThat(ready(ns).getReason()).isEqualTo(JwksAccess.JWKS_INVALID));
    assertThat(ready(ns).getMessage()).contains("private key parts");
    assertThat(cluster.get(ConfigMap.class, ns, "api-agent-policy").getData().toString())
        .as("the agents keep the keys they run")
        .isEqualTo(running);
  }
}
