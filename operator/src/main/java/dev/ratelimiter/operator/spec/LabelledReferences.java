package dev.ratelimiter.operator.spec;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Objects a policy names by reference in its own namespace (a Redis password Secret, a JWKS
 * ConfigMap) that the operator may use only when their owner labelled them {@code <label>=true}.
 * The operator watches only labelled ones, so it caches what it may use and nothing else, and a
 * change to one (the label added, a key rotated) reconciles the policies that name it.
 */
final class LabelledReferences {

  private LabelledReferences() {}

  /**
   * @param referencedName the name a policy gives the object, or null when it names none
   */
  static <R extends HasMetadata> InformerEventSource<R, RateLimitPolicy> informer(
      EventSourceContext<RateLimitPolicy> context,
      Class<R> type,
      String sourceName,
      String label,
      Function<RateLimitPolicy, String> referencedName) {
    var config =
        InformerEventSourceConfiguration.from(type, RateLimitPolicy.class)
            .withName(sourceName)
            .withLabelSelector(label + "=true")
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(
                object ->
                    context
                        .getPrimaryCache()
                        .list(object.getMetadata().getNamespace())
                        .filter(p -> object.getMetadata().getName().equals(referencedName.apply(p)))
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .build();
    return new InformerEventSource<>(config, context);
  }

  /** The labelled object {@code name} of the policy's namespace, as the operator sees it. */
  @SuppressWarnings("unchecked")
  static <R extends HasMetadata> Optional<R> get(
      Context<RateLimitPolicy> context,
      Class<R> type,
      String sourceName,
      RateLimitPolicy p,
      String name) {
    var source =
        (InformerEventSource<R, RateLimitPolicy>)
            context.eventSourceRetriever().getEventSourceFor(type, sourceName);
    return source.get(new ResourceID(name, p.getMetadata().getNamespace()));
  }
}
