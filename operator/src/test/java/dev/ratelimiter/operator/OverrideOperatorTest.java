package dev.ratelimiter.operator;

import static dev.ratelimiter.operator.Policies.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.operator.customresource.LimitSpec;
import dev.ratelimiter.operator.customresource.RateLimitOverride;
import dev.ratelimiter.operator.customresource.RateLimitOverrideSpec;
import dev.ratelimiter.operator.customresource.RateLimitOverrideStatus;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.customresource.StatusConditions;
import dev.ratelimiter.operator.spec.Names;
import dev.ratelimiter.policy.Policy;
import dev.ratelimiter.policy.PolicyParser;
import dev.ratelimiter.policy.QuotaOverride;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The operator, given RateLimitOverrides,")
class OverrideOperatorTest {

  static final Duration TIMEOUT = Duration.ofSeconds(20);
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

  static RateLimitPolicySpec perMinute() {
    LimitSpec limit = new LimitSpec();
    limit.setName("per-minute");
    limit.setRequests(10L);
    limit.setWindow("1m");
    RateLimitPolicySpec spec = new RateLimitPolicySpec();
    spec.setLimits(List.of(limit));
    return spec;
  }

  RateLimitOverride override(
      String ns, String name, String limit, long requests, Instant expires, String... clients) {
    RateLimitOverrideSpec spec = new RateLimitOverrideSpec();
    spec.setPolicy("api");
    spec.setClients(List.of(clients));
    spec.setLimits(List.of(new RateLimitOverrideSpec.OverrideLimit(limit, requests)));
    spec.setExpires(expires.truncatedTo(ChronoUnit.SECONDS).toString());
    RateLimitOverride o = new RateLimitOverride();
    o.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    o.setSpec(spec);
    return cluster.client().resource(o).create();
  }

  Policy rendered(String ns) throws Exception {
    ConfigMap doc = cluster.get(ConfigMap.class, ns, "api-agent-policy");
    return doc == null ? null : PolicyParser.parse(doc.getData().get(Names.POLICY_KEY));
  }

  Condition state(String ns, String name) {
    RateLimitOverride o =
        cluster.client().resources(RateLimitOverride.class).inNamespace(ns).withName(name).get();
    if (o == null || o.getStatus() == null || o.getStatus().getConditions().size() != 1) {
      return null;
    }
    Condition c = o.getStatus().getConditions().get(0);
    return StatusConditions.isTrue(c)
            && o.getMetadata().getGeneration().equals(o.getStatus().getObservedGeneration())
        ? c
        : null;
  }

  List<String> overrideNames(Policy p) {
    return p.overrides().all().stream().map(QuotaOverride::name).toList();
  }

  @Test
  @DisplayName(
      "merges an active override into the agents' document (same generation), says Active with an Event naming the client, and an override naming a limit the policy lacks Invalid, left out")
  void mergesActiveAndRefusesInvalid() throws Exception {
    String ns = cluster.newNamespace("overrides");
    cluster.create(policy(ns, "api", perMinute()));
    long generation =
        await().atMost(TIMEOUT).until(() -> rendered(ns), p -> p != null).generation();
    Instant friday = Instant.now().plus(Duration.ofDays(3));
    override(ns, "acme-launch", "per-minute", 50, friday, "203.0.113.7");
    override(ns, "typo", "per-hour", 50, friday, "203.0.113.8");

    Policy merged =
        await()
            .atMost(TIMEOUT)
            .until(() -> rendered(ns), p -> p != null && !p.overrides().isEmpty());
    assertThat(overrideNames(merged)).containsExactly("acme-launch");
    assertThat(merged.generation()).isEqualTo(generation);
    assertThat(merged.limitsFor("203.0.113.7", merged.limits()).get(0).requests()).isEqualTo(50);
    assertThat(merged.limitsFor("203.0.113.9", merged.limits()).get(0).requests()).isEqualTo(10);

    Condition active =
        await().atMost(TIMEOUT).until(() -> state(ns, "acme-launch"), c -> c != null);
    assertThat(active.getType()).isEqualTo(RateLimitOverrideStatus.ACTIVE);
    Condition invalid = await().atMost(TIMEOUT).until(() -> state(ns, "typo"), c -> c != null);
    assertThat(invalid.getType()).isEqualTo(RateLimitOverrideStatus.INVALID);
    assertThat(invalid.getMessage()).contains("per-hour").contains("per-minute");
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                cluster.client().v1().events().inNamespace(ns).list().getItems().stream()
                    .map(Event::getMessage)
                    .anyMatch(
                        m ->
                            m != null && m.contains("203.0.113.7") && m.contains("per-minute=50")));
  }

  @Test
  @DisplayName(
      "turns an override Expired at its time by itself and drops it from the document; a newer override naming a granted client is Invalid")
  void expiresAndConflicts() throws Exception {
    String ns = cluster.newNamespace("expiry");
    cluster.create(policy(ns, "api", perMinute()));
    await().atMost(TIMEOUT).until(() -> rendered(ns), p -> p != null);
    Instant soon = Instant.now().plusSeconds(3);
    override(ns, "short", "per-minute", 100, soon, "198.51.100.1");
    await()
        .atMost(TIMEOUT)
        .until(() -> state(ns, "short"), c -> c != null && c.getType().equals("Active"));
    override(ns, "later", "per-minute", 200, soon.plusSeconds(3600), "198.51.100.1");
    Condition conflict = await().atMost(TIMEOUT).until(() -> state(ns, "later"), c -> c != null);
    assertThat(conflict.getType()).isEqualTo(RateLimitOverrideStatus.INVALID);
    assertThat(conflict.getMessage()).contains("198.51.100.1").contains("short");

    await()
        .atMost(TIMEOUT)
        .until(() -> state(ns, "short"), c -> c != null && c.getType().equals("Expired"));
    assertThat(Instant.now()).isAfterOrEqualTo(soon.truncatedTo(ChronoUnit.SECONDS));
    Policy after =
        await()
            .atMost(TIMEOUT)
            .until(() -> rendered(ns), p -> p != null && overrideNames(p).contains("later"));
    assertThat(overrideNames(after))
        .as("the expired one leaves, and the client is free for the newer one")
        .containsExactly("later");
  }
}
