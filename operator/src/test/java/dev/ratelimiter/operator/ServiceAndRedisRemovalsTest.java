package dev.ratelimiter.operator;

import static dev.ratelimiter.operator.Policies.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.operator.customresource.AgentServiceSpec;
import dev.ratelimiter.operator.customresource.AgentSpec;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.customresource.ServiceType;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Removals through a merge patch ({@link MergePatch}) of the Service type and of the operator-run
 * Redis.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("A field removed from a policy by a merge patch leaves the live objects:")
class ServiceAndRedisRemovalsTest {

  static final Duration TIMEOUT = Duration.ofSeconds(20);
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

  void patch(String ns, String json) {
    MergePatch.apply(cluster, RateLimitPolicy.class, ns, "api", json);
  }

  Service service(String ns) {
    return cluster.get(Service.class, ns, "api");
  }

  @Test
  @DisplayName(
      "spec.agent.service.type LoadBalancer: back to ClusterIP without externalTrafficPolicy and node ports; what the API server allocated is no drift and stays while it applies")
  void serviceType() {
    String ns = cluster.newNamespace("rm-service");
    RateLimitPolicySpec spec = new RateLimitPolicySpec();
    AgentSpec agent = new AgentSpec();
    agent.setService(new AgentServiceSpec(ServiceType.LoadBalancer, 80));
    spec.setAgent(agent);
    cluster.create(policy(ns, "api", spec));
    await().atMost(TIMEOUT).until(() -> cluster.reconciled(ns, "api") && service(ns) != null);
    assertThat(service(ns).getSpec().getExternalTrafficPolicy()).isEqualTo("Local");

    // play the API server (allocations, defaults) and other controllers (a label, an annotation)
    cluster.edit(
        Service.class,
        ns,
        "api",
        s -> {
          s.getSpec().setClusterIP("10.96.0.10");
          s.getSpec().setClusterIPs(List.of("10.96.0.10"));
          s.getSpec().setSessionAffinity("None");
          s.getSpec().setHealthCheckNodePort(32000);
          s.getSpec().getPorts().get(0).setNodePort(30080);
          s.getSpec().getPorts().get(1).setNodePort(30081);
          s.getMetadata().getLabels().put("team.example/owner", "payments");
          s.getMetadata()
              .setAnnotations(Map.of("metallb.universe.tf/ip-allocated-from-pool", "public"));
          return s;
        });
    String version = service(ns).getMetadata().getResourceVersion();
    patch(ns, "{\"spec\":{\"limits\":[{\"name\":\"default\",\"requests\":20,\"window\":\"1m\"}]}}");
    await().atMost(TIMEOUT).until(() -> cluster.reconciled(ns, "api"));
    assertThat(service(ns).getMetadata().getResourceVersion())
        .as("allocations and defaults are no drift")
        .isEqualTo(version);

    // a port added by hand is drift: the operator renders the ports in full
    cluster.edit(
        Service.class,
        ns,
        "api",
        s -> {
          s.getSpec()
              .getPorts()
              .add(
                  new ServicePortBuilder()
                      .withName("debug")
                      .withPort(9090)
                      .withTargetPort(new IntOrString(9090))
                      .build());
          return s;
        });
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(service(ns).getSpec().getPorts())
                    .extracting(ServicePort::getName)
                    .containsExactly("http", "grpc"));

    patch(ns, "{\"spec\":{\"agent\":{\"service\":{\"port\":8080}}}}");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              var s = service(ns).getSpec();
              assertThat(s.getPorts())
                  .extracting(ServicePort::getPort, ServicePort::getNodePort)
                  .as("node ports kept by name, as the API server keeps them on an update")
                  .containsExactly(
                      org.assertj.core.groups.Tuple.tuple(8080, 30080),
                      org.assertj.core.groups.Tuple.tuple(8081, 30081));
              assertThat(s.getHealthCheckNodePort()).isEqualTo(32000);
              assertThat(s.getClusterIP()).isEqualTo("10.96.0.10");
            });

    patch(ns, "{\"spec\":{\"agent\":{\"service\":{\"type\":null}}}}");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              var s = service(ns).getSpec();
              assertThat(s.getType()).isEqualTo("ClusterIP");
              assertThat(s.getExternalTrafficPolicy()).isNull();
              assertThat(s.getPorts()).extracting(ServicePort::getNodePort).containsOnlyNulls();
              assertThat(s.getHealthCheckNodePort()).isNull();
              assertThat(s.getClusterIP()).as("immutable, allocated: kept").isEqualTo("10.96.0.10");
            });
    assertThat(service(ns).getMetadata().getLabels())
        .containsEntry("team.example/owner", "payments");
    assertThat(service(ns).getMetadata().getAnnotations())
        .containsEntry("metallb.universe.tf/ip-allocated-from-pool", "public");
  }

  static String sha256(String value) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
  }

  String password(String ns) {
    Secret s = cluster.get(Secret.class, ns, "api-redis-auth");
    return s == null
        ? null
        : new String(
            Base64.getDecoder().decode(s.getData().get("password")), StandardCharsets.UTF_8);
  }

  boolean redisObjectsPresent(String ns) {
    return cluster.get(Deployment.class, ns, "api-redis") != null
        && cluster.get(Service.class, ns, "api-redis") != null
        && cluster.get(NetworkPolicy.class, ns, "api-redis") != null
        && cluster.get(Secret.class, ns, "api-redis-auth") != null;
  }

  @Test
  @DisplayName(
      "the operator's Redis: switched to an external one its Deployment, Service, NetworkPolicy and password Secret are deleted; switched back they are created anew, with a new password")
  void operatorRedisAndBack() throws Exception {
    String ns = cluster.newNamespace("rm-redis");
    cluster.create(policy(ns, "api", new RateLimitPolicySpec()));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                cluster.reconciled(ns, "api")
                    && redisObjectsPresent(ns)
                    && cluster.get(Deployment.class, ns, "api-agent") != null);
    String first = password(ns);

    patch(ns, "{\"spec\":{\"redis\":{\"external\":{\"url\":\"redis://redis.shared:6379\"}}}}");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(cluster.get(Deployment.class, ns, "api-redis")).isNull();
              assertThat(cluster.get(Service.class, ns, "api-redis")).isNull();
              assertThat(cluster.get(NetworkPolicy.class, ns, "api-redis")).isNull();
              assertThat(cluster.get(Secret.class, ns, "api-redis-auth"))
                  .as("nothing reads it any more")
                  .isNull();
              Deployment agent = cluster.get(Deployment.class, ns, "api-agent");
              assertThat(agent.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                  .extracting(EnvVar::getName, EnvVar::getValue)
                  .contains(
                      org.assertj.core.groups.Tuple.tuple("REDIS_URL", "redis://redis.shared:6379"))
                  .extracting(t -> t.toList().get(0))
                  .doesNotContain("REDIS_PASSWORD");
              assertThat(agent.getSpec().getTemplate().getMetadata().getAnnotations())
                  .containsOnlyKeys("ratelimiter.dev/admin-token-hash");
            });

    patch(ns, "{\"spec\":{\"redis\":null}}");
    await().atMost(TIMEOUT).until(() -> redisObjectsPresent(ns));
    String second = password(ns);
    assertThat(second).as("a new Redis, a new password").isNotEqualTo(first);
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              Deployment agent = cluster.get(Deployment.class, ns, "api-agent");
              assertThat(agent.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                  .extracting(EnvVar::getName)
                  .contains("REDIS_PASSWORD");
              assertThat(agent.getSpec().getTemplate().getMetadata().getAnnotations())
                  .containsEntry("ratelimiter.dev/redis-auth-hash", sha256(second));
              assertThat(
                      cluster
                          .get(Deployment.class, ns, "api-redis")
                          .getSpec()
                          .getTemplate()
                          .getMetadata()
                          .getAnnotations())
                  .containsEntry("ratelimiter.dev/redis-auth-hash", sha256(second));
            });
  }
}
