package dev.ratelimiter.operator;

import dev.ratelimiter.operator.metrics.OperatorMetrics;
import dev.ratelimiter.operator.settings.OperatorSettings;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar operator.jar}: finds the cluster like kubectl (in-cluster, else KUBECONFIG /
 * ~/.kube/config), says which API server it uses, and exits within seconds with one clear line when
 * it cannot reach it. Settings come from the environment ({@link OperatorSettings}); a bad one
 * stops it at once with one line naming the setting, and exit code 2.
 */
public final class OperatorMain {

  public static final String LEASE_NAME = "ratelimiter-operator";
  private static final Logger log = LoggerFactory.getLogger(OperatorMain.class);
  private static final Path SA_NAMESPACE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  private static final AtomicBoolean SHUTTING_DOWN = new AtomicBoolean();

  private OperatorMain() {}

  public static void main(String[] args) throws Exception {
    OperatorSettings fromEnv;
    try {
      fromEnv = OperatorSettings.fromEnv(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("ratelimiter-operator: " + e.getMessage());
      System.exit(2);
      return;
    }
    KubernetesClient client = new KubernetesClientBuilder().withConfig(clientConfig()).build();
    OperatorSettings settings = fromEnv.withPodNamespace(podNamespace(client));
    String url = client.getMasterUrl().toString();
    log.info("using Kubernetes API server {}", url);
    try {
      var info = client.getKubernetesVersion();
      String version =
          info.getGitVersion() != null
              ? info.getGitVersion()
              : info.getMajor() + "." + info.getMinor();
      log.info("connected to Kubernetes {} at {}", version, url);
    } catch (RuntimeException e) {
      System.err.println(
          "ratelimiter-operator: cannot reach the Kubernetes API server at "
              + url
              + ": "
              + rootMessage(e));
      client.close();
      System.exit(1);
      return;
    }

    Optional<LeaderElectionConfiguration> leaderElection = Optional.empty();
    if (settings.leaderElection()) {
      String ns = settings.leaseNamespace();
      leaderElection =
          Optional.of(
              LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(LEASE_NAME)
                  .withLeaseNamespace(ns)
                  .withLeaseDuration(Duration.ofSeconds(15))
                  .withRenewDeadline(Duration.ofSeconds(10))
                  .withRetryPeriod(Duration.ofSeconds(2))
                  // JOSDK's own exit would call System.exit inside our shutdown hook and hang it
                  .withExitOnStopLeading(false)
                  .withLeaderCallbacks(
                      new LeaderCallbacks(
                          () -> log.info("became leader"),
                          () -> {
                            if (!SHUTTING_DOWN.get()) {
                              System.err.println(
                                  "ratelimiter-operator: lost the leader Lease, exiting so another replica takes over");
                              System.exit(1);
                            }
                          },
                          leader -> {}))
                  .build());
      log.info("leader election on Lease {}/{}", ns, LEASE_NAME);
    }

    OperatorMetrics metrics = new OperatorMetrics();
    Operator operator =
        RateLimiterOperator.create(client, settings, leaderElection, metrics, o -> {});
    int healthPort = settings.healthPort();
    HealthServer health =
        new HealthServer(
            healthPort,
            () -> true,
            () ->
                operator.getRuntimeInfo().isStarted()
                    && operator.getRuntimeInfo().allEventSourcesAreHealthy(),
            metrics::scrape);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  SHUTTING_DOWN.set(true);
                  health.close();
                  operator.stop();
                  client.close();
                },
                "shutdown"));
    log.info(
        "watching {} from namespace {} with agent image {} and redis image {}; health on :{}",
        settings.watchNamespaces().isEmpty()
            ? "all namespaces"
            : "namespaces " + settings.watchNamespaces(),
        settings.operatorNamespace(),
        settings.agentImage(),
        settings.redisImage(),
        healthPort);
    try {
      operator.start();
    } catch (RuntimeException e) {
      System.err.println("ratelimiter-operator: could not start: " + rootMessage(e));
      log.debug("start failure", e);
      System.exit(1);
    }
  }

  /**
   * The client's config, with retries short enough that an unreachable cluster is told in seconds.
   */
  static Config clientConfig() {
    return new ConfigBuilder(Config.autoConfigure(null))
        .withRequestRetryBackoffLimit(1)
        .withRequestRetryBackoffInterval(200)
        .withConnectionTimeout(3_000)
        .withRequestTimeout(10_000)
        .build();
  }

  private static String podNamespace(KubernetesClient client) {
    try {
      if (Files.isReadable(SA_NAMESPACE)) {
        return Files.readString(SA_NAMESPACE).trim();
      }
    } catch (java.io.IOException e) {
      // fall through
    }
    String ns = client.getNamespace();
    return ns == null || ns.isBlank() ? "default" : ns;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    String m;
    if (t instanceof java.nio.channels.UnresolvedAddressException) {
      m = "host name does not resolve";
    } else if (t.getMessage() == null || t.getMessage().isBlank()) {
      m = t.getClass().getSimpleName();
    } else {
      m = t.getClass().getSimpleName() + ": " + t.getMessage();
    }
    return m.replaceAll("\\s+", " ");
  }
}
