package dev.ratelimiter.operator;

import static org.awaitility.Awaitility.await;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.metrics.OperatorMetrics;
import dev.ratelimiter.operator.settings.OperatorSettings;
import dev.ratelimiter.operator.spec.RedisAccess;
import dev.ratelimiter.testsupport.kubernetes.MockApiServer;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The shared mock API server (CRUD mode) with the generated CRD applied, plus the real operator
 * (built by {@link RateLimiterOperator}, as {@link OperatorMain} builds it). The mock runs no
 * controllers: tests play the kubelet by writing Deployment status. The operator module publishes
 * it in its test-jar, for e2e/'s {@code E2eCluster}.
 */
public class MockCluster extends MockApiServer {

  public static final String AGENT_IMAGE = "example.test/ratelimiter/agent:test";
  public static final String REDIS_IMAGE = "example.test/redis:7.4.2-alpine";
  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  public MockCluster() {
    super(generatedCrd());
  }

  /** The same with another CRD file (e2e/: the committed one). */
  protected MockCluster(Path crd) {
    super(crd);
  }

  public static Path generatedCrd() {
    return Path.of(System.getProperty("crd.generated.dir", "target/crds"))
        .resolve("ratelimitpolicies.ratelimiter.dev-v1.yml");
  }

  public Operator startOperator() {
    return startOperator(Set.of());
  }

  /** Starts the operator watching only {@code namespaces} (empty: all). */
  public Operator startOperator(Set<String> namespaces) {
    return startOperator(TestOperatorSettings.of(AGENT_IMAGE, REDIS_IMAGE, namespaces).build());
  }

  /** Starts the operator with these settings. */
  public Operator startOperator(OperatorSettings settings) {
    return startOperator(settings, new OperatorMetrics(), o -> {});
  }

  /**
   * Starts the operator with these settings, counting into {@code metrics}, with JOSDK's
   * configuration tuned.
   */
  public Operator startOperator(
      OperatorSettings settings,
      OperatorMetrics metrics,
      Consumer<ConfigurationServiceOverrider> tuning) {
    return startOperator(
        client -> RateLimiterOperator.create(client, settings, Optional.empty(), metrics, tuning));
  }

  /** Settings for tests: the test images, all namespaces. */
  public static OperatorSettings settings() {
    return TestOperatorSettings.of(AGENT_IMAGE, REDIS_IMAGE, Set.of()).build();
  }

  /**
   * Creates {@code name} and plays the Deployment controller for it, so that only enforcement
   * decides Ready.
   */
  public void readyPolicy(String namespace, String name, Duration timeout) {
    create(Policies.policy(namespace, name, new RateLimitPolicySpec()));
    await()
        .atMost(timeout)
        .until(
            () ->
                reconciled(namespace, name)
                    && get(Deployment.class, namespace, name + "-agent") != null
                    && get(Deployment.class, namespace, name + "-redis") != null);
    markReady(namespace, name + "-redis");
    markReady(namespace, name + "-agent");
  }

  /** A fresh namespace, so tests sharing one server do not see each other's objects. */
  public String newNamespace(String prefix) {
    return createNamespace(prefix + "-" + NAMESPACES.incrementAndGet());
  }

  /** A Secret of the admin's own, optionally labelled for use as Redis credentials by policies. */
  public Secret createSecret(
      String namespace, String name, String key, boolean allowRedisCredentials) {
    var builder =
        new SecretBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .endMetadata()
            .addToStringData(key, "s3cret");
    if (allowRedisCredentials) {
      builder.editMetadata().addToLabels(RedisAccess.ALLOW_LABEL, "true").endMetadata();
    }
    return client().resource(builder.build()).create();
  }

  public RateLimitPolicy create(RateLimitPolicy p) {
    return client().resource(p).create();
  }

  /** An admin's edit of the spec; retried when it races the operator's status write (409). */
  public RateLimitPolicy edit(String namespace, String name, Consumer<RateLimitPolicySpec> change) {
    return edit(
        RateLimitPolicy.class,
        namespace,
        name,
        p -> {
          change.accept(p.getSpec());
          return p;
        });
  }

  public RateLimitPolicy get(String namespace, String name) {
    return get(RateLimitPolicy.class, namespace, name);
  }

  /** True when the operator has acted on the policy's current generation. */
  public boolean reconciled(String namespace, String name) {
    RateLimitPolicy p = get(namespace, name);
    return p != null
        && p.getStatus() != null
        && p.getMetadata().getGeneration().equals(p.getStatus().getObservedGeneration());
  }
}
