package dev.ratelimiter.operator;

import dev.ratelimiter.operator.enforcement.PolicyEnforcer;
import dev.ratelimiter.operator.metrics.OperatorMetrics;
import dev.ratelimiter.operator.settings.OperatorSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Builds the JOSDK {@link Operator} exactly as it ships: SSA off (the fabric8 mock API server
 * cannot do it, and what ships is what is tested), JOSDK's metrics into {@link OperatorMetrics},
 * one controller for RateLimitPolicy. Used by {@link OperatorMain}, the tests and the benchmark.
 */
public final class RateLimiterOperator {

  private RateLimiterOperator() {}

  public static Operator create(
      KubernetesClient client,
      OperatorSettings settings,
      Optional<LeaderElectionConfiguration> leaderElection) {
    return create(client, settings, leaderElection, new OperatorMetrics(), o -> {});
  }

  /**
   * As above, counting into {@code metrics}; {@code tuning} may change JOSDK's configuration
   * further (tests: fewer reconcile threads), after the settings that ship.
   */
  public static Operator create(
      KubernetesClient client,
      OperatorSettings settings,
      Optional<LeaderElectionConfiguration> leaderElection,
      OperatorMetrics metrics,
      Consumer<ConfigurationServiceOverrider> tuning) {
    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withSSABasedCreateUpdateMatchForDependentResources(false)
                  .withUseSSAToPatchPrimaryResource(false)
                  .withCloseClientOnStop(false)
                  .withMetrics(metrics.josdk());
              leaderElection.ifPresent(o::withLeaderElectionConfiguration);
              tuning.accept(o);
            });
    operator.register(
        new RateLimitPolicyReconciler(settings, new PolicyEnforcer(metrics), metrics),
        c -> {
          if (!settings.watchNamespaces().isEmpty()) {
            c.settingNamespaces(settings.watchNamespaces());
          }
        });
    return operator;
  }
}
