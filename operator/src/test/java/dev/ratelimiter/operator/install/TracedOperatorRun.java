package dev.ratelimiter.operator.install;

import dev.ratelimiter.operator.MockCluster;
import dev.ratelimiter.operator.OperatorMain;
import dev.ratelimiter.operator.RateLimiterOperator;
import dev.ratelimiter.operator.TestOperatorSettings;
import dev.ratelimiter.testsupport.kubernetes.MockApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The real operator, with leader election, against a fresh CRUD mock API server that holds the
 * committed CRD and the namespaces {@code ratelimiter-system}, {@code shop} and {@code partners}.
 * The operator's requests carry their own User-Agent, so that a test can judge each one against the
 * install's RBAC once the run is over ({@link #operatorCalls()}).
 */
final class TracedOperatorRun implements AutoCloseable {

  /** What a test does as the admin while the operator runs. */
  final KubernetesClient admin;

  private final KubernetesMockServer server;
  private final KubernetesClient operatorClient;
  private final String userAgent;
  private Operator operator;

  private TracedOperatorRun(String userAgent) {
    this.userAgent = userAgent;
    server = MockApiServer.crudServer();
    admin = server.createClient();
    operatorClient =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(admin.getConfiguration()).withUserAgent(userAgent).build())
            .build();
  }

  /** Starts the operator watching {@code watched} (empty: all namespaces). */
  static TracedOperatorRun start(String userAgent, Set<String> watched) throws IOException {
    TracedOperatorRun run = new TracedOperatorRun(userAgent);
    try {
      for (java.nio.file.Path file : List.of(Install.CRD, Install.OVERRIDE_CRD)) {
        try (InputStream crd = Files.newInputStream(file)) {
          run.admin.apiextensions().v1().customResourceDefinitions().load(crd).create();
        }
      }
      for (String ns : List.of(Install.NAMESPACE, "shop", "partners")) {
        run.admin
            .namespaces()
            .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
            .create();
      }
      run.operator =
          RateLimiterOperator.create(
              run.operatorClient,
              TestOperatorSettings.of(MockCluster.AGENT_IMAGE, MockCluster.REDIS_IMAGE, watched)
                  .build(),
              Optional.of(
                  LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(
                          OperatorMain.LEASE_NAME)
                      .withLeaseNamespace(Install.NAMESPACE)
                      .withExitOnStopLeading(false)
                      .build()));
      run.operator.start();
      return run;
    } catch (IOException | RuntimeException e) {
      run.close();
      run.server.destroy();
      throw e;
    }
  }

  /** Stops the operator and closes the clients; the server keeps what it recorded. */
  @Override
  public void close() {
    if (operator != null) {
      operator.stop();
      operator = null;
    }
    operatorClient.close();
    admin.close();
  }

  /**
   * The calls the operator made, as RBAC sees them (the access review JOSDK's leader election asks
   * for is left out: it needs no rule); then the server is shut down. Call after {@link #close()}.
   */
  List<ClusterRoleTest.Call> operatorCalls() throws InterruptedException {
    List<ClusterRoleTest.Call> calls = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
      if (!userAgent.equals(r.getHeader("User-Agent"))) {
        continue;
      }
      ClusterRoleTest.Call c = ClusterRoleTest.call(r.getMethod(), r.getPath());
      if (c != null && !c.access().equals(ClusterRoleTest.RULES_REVIEW)) {
        calls.add(c);
      }
    }
    server.destroy();
    return calls;
  }
}
