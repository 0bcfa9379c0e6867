package dev.ratelimiter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.operator.customresource.AgentSpec;
import dev.ratelimiter.operator.customresource.ClientKey;
import dev.ratelimiter.operator.customresource.ConfigMapKeyRef;
import dev.ratelimiter.operator.customresource.JwtSpec;
import dev.ratelimiter.operator.customresource.LimitSpec;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.spec.JwksAccess;
import dev.ratelimiter.testsupport.jwt.TestTokens;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A key rotation end to end: the operator reads the issuer's JWKS from a labelled ConfigMap, three
 * real agent processes verify tokens against it, and an edit of the ConfigMap (a new key in, the
 * old one out) reaches every agent as a push of the same generation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("A JWKS rotation, end to end (operator, redis-server, three agent processes),")
class JwksRotationIT {

  static final String NS = "auth";
  static final String NAME = "tokens";
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  static final TestTokens OLD = new TestTokens("old");
  static final TestTokens NEW = new TestTokens("new");

  E2eCluster cluster;
  Kubelet kubelet;

  @BeforeAll
  void start() throws Exception {
    cluster = new E2eCluster();
    cluster.createNamespace(NS);
    kubelet = cluster.kubelet(NS);
    cluster.startOperator();
    writeJwks(TestTokens.jwks(OLD.rsa));
    JwtSpec jwt = new JwtSpec();
    jwt.setIssuer(TestTokens.ISSUER);
    jwt.setAudiences(List.of(TestTokens.AUDIENCE));
    jwt.setJwksConfigMapRef(new ConfigMapKeyRef("issuer-jwks", "jwks.json"));
    ClientKey clientKey = new ClientKey();
    clientKey.setSource("Jwt");
    clientKey.setMissing("Reject");
    clientKey.setJwt(jwt);
    RateLimitPolicySpec spec = new RateLimitPolicySpec();
    spec.setLimits(List.of(new LimitSpec("per-minute", 1000, "1m", null)));
    spec.setClientKey(clientKey);
    AgentSpec agent = new AgentSpec();
    agent.setReplicas(3);
    spec.setAgent(agent);
    cluster.create(NS, NAME, spec);
    cluster.awaitEnforced(kubelet, NS, NAME, 1, 3);
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

  void writeJwks(String jwks) {
    ConfigMap map =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("issuer-jwks")
            .withNamespace(NS)
            .withLabels(Map.of(JwksAccess.LABEL, "true"))
            .endMetadata()
            .withData(Map.of("jwks.json", jwks))
            .build();
    cluster.client().configMaps().inNamespace(NS).resource(map).createOr(r -> r.update());
  }

  static int status(AgentProcess agent, String token) {
    return Http.getWithToken(agent.api(), token).statusCode();
  }

  @Test
  @DisplayName(
      "edit the JWKS ConfigMap: every agent then accepts the new key's tokens and refuses the removed key's, without a new generation, and Enforced says so")
  void rotation() {
    String oldToken = OLD.rs256(TestTokens.claims("alice").build());
    String newToken = NEW.es256(TestTokens.claims("alice").build());
    List<AgentProcess> agents = kubelet.readyAgents();
    assertThat(agents).hasSize(3);
    for (AgentProcess a : agents) {
      assertThat(status(a, oldToken)).as("old key at " + a).isEqualTo(200);
      assertThat(status(a, newToken)).as("new key at " + a).isEqualTo(401);
    }
    long generation = cluster.get(NS, NAME).getMetadata().getGeneration();

    long edited = System.nanoTime();
    writeJwks(TestTokens.jwks(NEW.ec));
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(20))
        .until(
            () ->
                agents.stream()
                    .allMatch(a -> status(a, newToken) == 200 && status(a, oldToken) == 401));
    long millis = (System.nanoTime() - edited) / 1_000_000;
    System.out.println("JWKS edit to every agent on the new key: " + millis + " ms");

    assertThat(cluster.get(NS, NAME).getMetadata().getGeneration()).isEqualTo(generation);
    cluster.awaitEnforced(kubelet, NS, NAME, generation, 3);
    for (AgentProcess a : kubelet.readyAgents()) {
      assertThat(Http.policyInForce(a).path("clientKey").path("jwt").path("jwks").toString())
          .contains(NEW.ec.getKeyID())
          .doesNotContain(OLD.rsa.getKeyID());
    }
  }
}
