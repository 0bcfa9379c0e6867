package dev.ratelimiter.operator;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import dev.ratelimiter.operator.metrics.OperatorMetrics;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * fabric8's mock API server in CRUD mode with the generated CRD applied, plus the real operator
 * (built by {@link RateLimiterOperator}, as {@link OperatorMain} builds it). The mock runs no
 * controllers: tests play the kubelet by writing Deployment status.
 */
public final class MockCluster implements AutoCloseable {

  public static final String AGENT_IMAGE = "example.test/ratelimiter/agent:test";
  public static final String REDIS_IMAGE = "example.test/redis:7.4.2-alpine";
  private static final AtomicInteger NAMESPACES = new AtomicInteger();
  /** The mock server logs every request at INFO through java.util.logging; keep a reference so the level sticks. */
  private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private Operator operator;

  public MockCluster() {
    var responses = new HashMap<io.fabric8.mockwebserver.ServerRequest, java.util.Queue<io.fabric8.mockwebserver.ServerResponse>>();
    server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, new KubernetesMixedDispatcher(responses), false);
    server.init();
    // CRUD for everything, except the access review JOSDK's leader election asks for before it
    // takes the Lease (the CRUD mock cannot answer it): grant everything on leases.
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, new SelfSubjectRulesReviewBuilder()
            .withNewStatus().withIncomplete(false)
            .addNewResourceRule().withApiGroups("coordination.k8s.io").withResources("leases").withVerbs("*").endResourceRule()
            .endStatus().build())
        .always();
    client = server.createClient();
    try (InputStream crd = Files.newInputStream(generatedCrd())) {
      client.apiextensions().v1().customResourceDefinitions().load(crd).create();
    } catch (IOException e) {
      throw new IllegalStateException("generated CRD missing: run the build's process-classes phase", e);
    }
  }

  public static Path generatedCrd() {
    return Path.of(System.getProperty("crd.generated.dir", "target/crds")).resolve("ratelimitpolicies.ratelimiter.dev-v1.yml");
  }

  public KubernetesClient client() {
    return client;
  }

  public Operator startOperator() {
    return startOperator(Set.of());
  }

  /** Starts the operator watching only {@code namespaces} (empty: all). */
  public Operator startOperator(Set<String> namespaces) {
    return startOperator(new OperatorSettings(AGENT_IMAGE, REDIS_IMAGE, namespaces));
  }

  /** Starts the operator with these settings. */
  public Operator startOperator(OperatorSettings settings) {
    return startOperator(settings, new OperatorMetrics(), o -> {});
  }

  /** Starts the operator with these settings, counting into {@code metrics}, with JOSDK's configuration tuned. */
  public Operator startOperator(
      OperatorSettings settings, OperatorMetrics metrics, java.util.function.Consumer<ConfigurationServiceOverrider> tuning) {
    stopOperator();
    operator = RateLimiterOperator.create(client, settings, Optional.empty(), metrics, tuning);
    operator.start();
    return operator;
  }

  /** Settings for tests: the test images, all namespaces. */
  public static OperatorSettings settings() {
    return new OperatorSettings(AGENT_IMAGE, REDIS_IMAGE, Set.of());
  }

  /** Creates {@code name} and plays the Deployment controller for it, so that only enforcement decides Ready. */
  public void readyPolicy(String namespace, String name, java.time.Duration timeout) {
    create(policy(namespace, name, new RateLimitPolicySpec()));
    org.awaitility.Awaitility.await().atMost(timeout).until(() -> reconciled(namespace, name)
        && get(Deployment.class, namespace, name + "-agent") != null
        && get(Deployment.class, namespace, name + "-redis") != null);
    markReady(namespace, name + "-redis");
    markReady(namespace, name + "-agent");
  }

  public void stopOperator() {
    if (operator != null) {
      operator.stop();
      operator = null;
    }
  }

  /** Makes every POST to {@code path} fail with 403, like an API server denying the operator. */
  public void forbidCreate(String path) {
    server.expect().post().withPath(path)
        .andReturn(403, new io.fabric8.kubernetes.api.model.StatusBuilder().withStatus("Failure").withReason("Forbidden").withCode(403)
            .withMessage("deployments.apps is forbidden: User \"system:serviceaccount:ops:ratelimiter-operator\" cannot create resource")
            .build())
        .always();
  }

  /** A fresh namespace, so tests sharing one server do not see each other's objects. */
  public String newNamespace(String prefix) {
    String ns = prefix + "-" + NAMESPACES.incrementAndGet();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    return ns;
  }

  public static RateLimitPolicy policy(String namespace, String name, RateLimitPolicySpec spec) {
    RateLimitPolicy p = new RateLimitPolicy();
    p.getMetadata().setName(name);
    p.getMetadata().setNamespace(namespace);
    p.setSpec(spec);
    return p;
  }

  /** A Secret of the admin's own, optionally labelled for use as Redis credentials by policies. */
  public io.fabric8.kubernetes.api.model.Secret createSecret(String namespace, String name, String key, boolean allowRedisCredentials) {
    var builder = new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .addToStringData(key, "s3cret");
    if (allowRedisCredentials) {
      builder.editMetadata().addToLabels(RedisAccess.ALLOW_LABEL, "true").endMetadata();
    }
    return client.resource(builder.build()).create();
  }

  public RateLimitPolicy create(RateLimitPolicy p) {
    return client.resource(p).create();
  }

  /** An admin's edit of the spec; retried when it races the operator's status write (409). */
  public RateLimitPolicy edit(String namespace, String name, java.util.function.Consumer<RateLimitPolicySpec> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        return client.resources(RateLimitPolicy.class).inNamespace(namespace).withName(name).edit(p -> {
          change.accept(p.getSpec());
          return p;
        });
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 20) {
          throw e;
        }
      }
    }
  }

  public RateLimitPolicy get(String namespace, String name) {
    return client.resources(RateLimitPolicy.class).inNamespace(namespace).withName(name).get();
  }

  public <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
    return client.resources(type).inNamespace(namespace).withName(name).get();
  }

  /** Plays the Deployment controller: all desired replicas are ready. */
  public void markReady(String namespace, String deployment) {
    client
        .apps()
        .deployments()
        .inNamespace(namespace)
        .withName(deployment)
        .editStatus(
            d -> {
              int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
              d.setStatus(
                  new DeploymentStatusBuilder()
                      .withObservedGeneration(d.getMetadata().getGeneration())
                      .withReplicas(replicas)
                      .withReadyReplicas(replicas)
                      .withAvailableReplicas(replicas)
                      .withUpdatedReplicas(replicas)
                      .build());
              return d;
            });
  }

  /** Plays the kubelet: creates {@code pod} with the status it carries (the CRUD mock may drop status on create). */
  public void runPod(io.fabric8.kubernetes.api.model.Pod pod) {
    var status = pod.getStatus();
    client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).create();
    setPodStatus(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), status);
  }

  public void setPodStatus(String namespace, String name, io.fabric8.kubernetes.api.model.PodStatus status) {
    client.pods().inNamespace(namespace).withName(name).editStatus(p -> {
      p.setStatus(status);
      return p;
    });
  }

  /** True when the operator has acted on the policy's current generation. */
  public boolean reconciled(String namespace, String name) {
    RateLimitPolicy p = get(namespace, name);
    return p != null
        && p.getStatus() != null
        && p.getMetadata().getGeneration().equals(p.getStatus().getObservedGeneration());
  }

  @Override
  public void close() {
    stopOperator();
    client.close();
    server.destroy();
  }

  static Deployment deployment(KubernetesClient client, String namespace, String name) {
    return client.apps().deployments().inNamespace(namespace).withName(name).get();
  }
}
