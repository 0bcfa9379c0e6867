package dev.ratelimiter.testsupport.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * fabric8's mock API server in CRUD mode with a CRD applied, and the operator a test starts against
 * it. The mock runs no controllers: tests (or a kubelet fixture) play the kubelet and the
 * Deployment controller by writing status. The operator's and the e2e tests' clusters extend this
 * with what they know of the {@code RateLimitPolicy} types.
 */
public class MockApiServer implements AutoCloseable {

  /**
   * The mock server logs every request at INFO through java.util.logging; keep a reference so the
   * level sticks.
   */
  private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(Level.WARNING);
  }

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private Operator operator;

  /**
   * A fresh mock API server with the CRD in {@code crd} (YAML) applied, and every other CRD beside
   * it (files named {@code *-v1.yml}: the project's CRDs are generated, and committed, together).
   */
  public MockApiServer(Path crd) {
    server = crudServer();
    client = server.createClient();
    apply(crd);
    try (var siblings = Files.list(crd.toAbsolutePath().getParent())) {
      siblings
          .filter(f -> f.getFileName().toString().endsWith("-v1.yml"))
          .filter(f -> !f.getFileName().equals(crd.getFileName()))
          .sorted()
          .forEach(this::apply);
    } catch (IOException e) {
      throw new IllegalStateException("CRDs beside " + crd + " cannot be listed", e);
    }
  }

  private void apply(Path crd) {
    try (InputStream in = Files.newInputStream(crd)) {
      client.apiextensions().v1().customResourceDefinitions().load(in).create();
    } catch (IOException e) {
      throw new IllegalStateException(
          "CRD " + crd + " cannot be read (is the build's process-classes phase done?)", e);
    }
  }

  /**
   * A CRUD-mode mock API server, started, that also answers the access review JOSDK's leader
   * election asks for before it takes the Lease (the CRUD mock cannot answer it): everything on
   * leases is granted.
   */
  public static KubernetesMockServer crudServer() {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            responses,
            new KubernetesMixedDispatcher(responses),
            false);
    server.init();
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(
            201,
            new SelfSubjectRulesReviewBuilder()
                .withNewStatus()
                .withIncomplete(false)
                .addNewResourceRule()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withVerbs("*")
                .endResourceRule()
                .endStatus()
                .build())
        .always();
    return server;
  }

  public KubernetesClient client() {
    return client;
  }

  /**
   * Stops the running operator, if any, and starts the one {@code factory} builds on this server's
   * client.
   */
  public Operator startOperator(Function<KubernetesClient, Operator> factory) {
    stopOperator();
    operator = factory.apply(client);
    operator.start();
    return operator;
  }

  public void stopOperator() {
    if (operator != null) {
      operator.stop();
      operator = null;
    }
  }

  /** Creates namespace {@code name}. */
  public String createNamespace(String name) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }

  /** Makes every POST to {@code path} fail with 403, like an API server denying the operator. */
  public void forbidCreate(String path) {
    server
        .expect()
        .post()
        .withPath(path)
        .andReturn(
            403,
            new StatusBuilder()
                .withStatus("Failure")
                .withReason("Forbidden")
                .withCode(403)
                .withMessage(
                    "deployments.apps is forbidden: User \"system:serviceaccount:ops:ratelimiter-operator\" cannot create resource")
                .build())
        .always();
  }

  public <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
    return client.resources(type).inNamespace(namespace).withName(name).get();
  }

  /**
   * An admin's edit; retried when it races another writer, e.g. the operator's status write (409).
   */
  public <T extends HasMetadata> T edit(
      Class<T> type, String namespace, String name, UnaryOperator<T> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        return client.resources(type).inNamespace(namespace).withName(name).edit(change);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 20) {
          throw e;
        }
      }
    }
  }

  /**
   * Plays the Deployment controller: writes the status of {@code deployment} for its current
   * generation with {@code replicas} running and {@code ready} of them ready (null: the desired
   * replicas).
   */
  public void setDeploymentStatus(
      String namespace, String deployment, Integer replicas, Integer ready) {
    client
        .apps()
        .deployments()
        .inNamespace(namespace)
        .withName(deployment)
        .editStatus(
            d -> {
              int desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
              int running = replicas == null ? desired : replicas;
              int readyReplicas = ready == null ? desired : ready;
              d.setStatus(
                  new DeploymentStatusBuilder()
                      .withObservedGeneration(d.getMetadata().getGeneration())
                      .withReplicas(running)
                      .withReadyReplicas(readyReplicas)
                      .withAvailableReplicas(readyReplicas)
                      .withUpdatedReplicas(running)
                      .build());
              return d;
            });
  }

  /** Plays the Deployment controller: all desired replicas are ready. */
  public void markReady(String namespace, String deployment) {
    setDeploymentStatus(namespace, deployment, null, null);
  }

  /**
   * Plays the kubelet: creates {@code pod} with the status it carries (the CRUD mock may drop
   * status on create).
   */
  public void runPod(Pod pod) {
    PodStatus status = pod.getStatus();
    client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).create();
    setPodStatus(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), status);
  }

  public void setPodStatus(String namespace, String name, PodStatus status) {
    client
        .pods()
        .inNamespace(namespace)
        .withName(name)
        .editStatus(
            p -> {
              p.setStatus(status);
              return p;
            });
  }

  @Override
  public void close() {
    stopOperator();
    client.close();
    server.destroy();
  }
}
