package dev.ratelimiter.operator.dependent;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Map;

/**
 * A Kubernetes object owned by a policy, created and kept as {@link #desired} says. Several
 * dependents share a type (two Deployments, two Services), so each one names its target object
 * directly rather than computing {@code desired()} to find it.
 */
public abstract class PolicyDependentResource<R extends HasMetadata>
    extends CRUDKubernetesDependentResource<R, RateLimitPolicy> {

  protected PolicyDependentResource(Class<R> type) {
    super(type);
  }

  /** Name of the object this dependent manages for {@code policy}. */
  protected abstract String name(RateLimitPolicy policy);

  @Override
  protected ResourceID targetSecondaryResourceID(
      RateLimitPolicy primary, Context<RateLimitPolicy> context) {
    return new ResourceID(name(primary), primary.getMetadata().getNamespace());
  }

  /**
   * Metadata with the policy's namespace, the given name and labels (owner reference added by
   * JOSDK).
   */
  protected static ObjectMeta meta(RateLimitPolicy p, String name, Map<String, String> labels) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(p.getMetadata().getNamespace())
        .withLabels(labels)
        .build();
  }
}
