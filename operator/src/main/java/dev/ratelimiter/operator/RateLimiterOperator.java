package dev.ratelimiter.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.util.Optional;

/**
 * Builds the JOSDK {@link Operator} exactly as it ships: SSA off (the fabric8 mock API server
 * cannot do it, and what ships is what is tested), one controller for RateLimitPolicy. Used by
 * {@link OperatorMain}, the tests and the benchmark.
 */
public final class RateLimiterOperator {

  private RateLimiterOperator() {}

  public static Operator create(
      KubernetesClient client, OperatorSettings settings, Optional<LeaderElectionConfiguration> leaderElection) {
    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withSSABasedCreateUpdateMatchForDependentResources(false)
                  .withUseSSAToPatchPrimaryResource(false)
                  .withCloseClientOnStop(false);
              leaderElection.ifPresent(o::withLeaderElectionConfiguration);
            });
    operator.register(
        new RateLimitPolicyReconciler(settings),
        c -> {
          if (!settings.watchNamespaces().isEmpty()) {
            c.settingNamespaces(settings.watchNamespaces());
          }
        });
    return operator;
  }
}
