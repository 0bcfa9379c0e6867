package dev.ratelimiter.operator.enforcement;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.spec.Labels;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Set;

/**
 * Watches the agent pods of every policy (in the controller's namespaces), so that a pod becoming
 * ready, being replaced or changing address triggers a reconcile, and hence a push. A pod belongs
 * to the policy named by its {@code app.kubernetes.io/instance} label in the same namespace.
 */
public final class AgentPodEventSource {

  public static final String NAME = "agent-pods";

  /**
   * Pods of the agent component; the managed-by label is not on this selector's list, as on the
   * Deployment's.
   */
  public static final String SELECTOR =
      Labels.NAME + "=" + Labels.APP + "," + Labels.COMPONENT + "=" + Labels.AGENT;

  private AgentPodEventSource() {}

  public static InformerEventSource<Pod, RateLimitPolicy> create(
      EventSourceContext<RateLimitPolicy> context) {
    var config =
        InformerEventSourceConfiguration.from(Pod.class, RateLimitPolicy.class)
            .withName(NAME)
            .withLabelSelector(SELECTOR)
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(toPolicy())
            .build();
    return new InformerEventSource<>(config, context);
  }

  static SecondaryToPrimaryMapper<Pod> toPolicy() {
    return pod -> {
      var labels = pod.getMetadata().getLabels();
      String instance = labels == null ? null : labels.get(Labels.INSTANCE);
      return instance == null
          ? Set.of()
          : Set.of(new ResourceID(instance, pod.getMetadata().getNamespace()));
    };
  }
}
