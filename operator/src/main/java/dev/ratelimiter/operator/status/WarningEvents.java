package dev.ratelimiter.operator.status;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.StatusConditions;
import dev.ratelimiter.operator.spec.Labels;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.time.Clock;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warning Events on a policy, for failures an admin must act on ({@code kubectl describe rlp}), and
 * Normal ones on what takes effect (a RateLimitOverride).
 */
public final class WarningEvents {

  private static final Logger log = LoggerFactory.getLogger(WarningEvents.class);
  private final Clock clock;

  public WarningEvents(Clock clock) {
    this.clock = clock;
  }

  public WarningEvents() {
    this(Clock.systemUTC());
  }

  /**
   * Records a Warning Event on the policy; never throws (an event is not worth failing a reconcile
   * for).
   */
  public void warn(
      RateLimitPolicy policy, Context<RateLimitPolicy> context, String reason, String message) {
    record(policy, "Warning", context, reason, message);
  }

  /** A Normal Event on {@code object} (a RateLimitOverride taking effect); never throws. */
  public void normal(
      HasMetadata object, Context<RateLimitPolicy> context, String reason, String message) {
    record(object, "Normal", context, reason, message);
  }

  private void record(
      HasMetadata policy,
      String type,
      Context<RateLimitPolicy> context,
      String reason,
      String message) {
    record(policy, type, context.getClient(), reason, message);
  }

  /** An Event of {@code type} on {@code object}, outside a reconcile too; never throws. */
  public void record(
      HasMetadata policy,
      String type,
      io.fabric8.kubernetes.client.KubernetesClient client,
      String reason,
      String message) {
    try {
      String now = StatusConditions.timestamp(clock);
      String suffix =
          UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
      var event =
          new EventBuilder()
              .withNewMetadata()
              .withName(policy.getMetadata().getName() + "." + suffix)
              .withNamespace(policy.getMetadata().getNamespace())
              // deleted with the policy by the garbage collector, not only by the API server's
              // event TTL
              .addNewOwnerReference()
              .withApiVersion(policy.getApiVersion())
              .withKind(policy.getKind())
              .withName(policy.getMetadata().getName())
              .withUid(policy.getMetadata().getUid())
              .endOwnerReference()
              .endMetadata()
              .withNewInvolvedObject()
              .withApiVersion(policy.getApiVersion())
              .withKind(policy.getKind())
              .withName(policy.getMetadata().getName())
              .withNamespace(policy.getMetadata().getNamespace())
              .withUid(policy.getMetadata().getUid())
              .withResourceVersion(policy.getMetadata().getResourceVersion())
              .endInvolvedObject()
              .withType(type)
              .withReason(reason)
              .withMessage(StatusConditions.truncate(message))
              .withFirstTimestamp(now)
              .withLastTimestamp(now)
              .withCount(1)
              .withNewSource()
              .withComponent(Labels.OPERATOR)
              .endSource()
              .build();
      client
          .v1()
          .events()
          .inNamespace(policy.getMetadata().getNamespace())
          .resource(event)
          .create();
    } catch (RuntimeException e) {
      log.debug(
          "could not record event {} for {}: {}",
          reason,
          policy.getMetadata().getNamespace() + "/" + policy.getMetadata().getName(),
          e.toString());
    }
  }
}
