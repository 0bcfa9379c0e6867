package dev.ratelimiter.operator.dependent;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.spec.Labels;
import dev.ratelimiter.operator.spec.Names;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Map;

/** Secret {@code <name>-agent-admin}: bearer token for the agents' admin API. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class AgentAdminSecretDependentResource extends CreateOnceSecretDependentResource {

  @Override
  protected String name(RateLimitPolicy policy) {
    return Names.agentAdminSecret(policy);
  }

  @Override
  protected String key() {
    return Names.ADMIN_TOKEN_KEY;
  }

  @Override
  protected Map<String, String> labels(RateLimitPolicy policy) {
    return Labels.of(policy, Labels.AGENT);
  }
}
