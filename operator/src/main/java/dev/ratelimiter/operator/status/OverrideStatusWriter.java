package dev.ratelimiter.operator.status;

import dev.ratelimiter.operator.customresource.RateLimitOverride;
import dev.ratelimiter.operator.customresource.RateLimitOverrideStatus;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.StatusConditions;
import dev.ratelimiter.operator.spec.OverrideAccess;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * Writes each RateLimitOverride's state (one condition, {@code Active}, {@code Expired} or {@code
 * Invalid}, True, with {@code observedGeneration}) when it changed, and records an Event when an
 * override takes effect or is refused: the clients it names, the quotas and until when.
 */
public final class OverrideStatusWriter {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(OverrideStatusWriter.class);

  private final Clock clock;
  private final WarningEvents events;

  public OverrideStatusWriter(Clock clock, WarningEvents events) {
    this.clock = clock;
    this.events = events;
  }

  public void write(List<OverrideAccess.Verdict> verdicts, Context<RateLimitPolicy> context) {
    for (OverrideAccess.Verdict verdict : verdicts) {
      RateLimitOverride o = verdict.override();
      Long generation = o.getMetadata().getGeneration();
      List<Condition> previous =
          o.getStatus() == null || o.getStatus().getConditions() == null
              ? List.of()
              : o.getStatus().getConditions();
      Condition old = StatusConditions.find(previous, verdict.state());
      boolean unchanged =
          previous.size() == 1
              && StatusConditions.isTrue(old)
              && Objects.equals(old.getMessage(), StatusConditions.truncate(verdict.message()))
              && Objects.equals(o.getStatus().getObservedGeneration(), generation);
      if (unchanged) {
        continue;
      }
      RateLimitOverrideStatus status = new RateLimitOverrideStatus();
      status.setObservedGeneration(generation);
      status.setConditions(
          StatusConditions.withTransitionTimes(
              previous,
              List.of(
                  StatusConditions.condition(
                      verdict.state(), true, verdict.reason(), verdict.message(), generation)),
              clock));
      RateLimitOverride update = new RateLimitOverride();
      update.setMetadata(
          new ObjectMetaBuilder()
              .withName(o.getMetadata().getName())
              .withNamespace(o.getMetadata().getNamespace())
              .withResourceVersion(o.getMetadata().getResourceVersion())
              .build());
      update.setSpec(o.getSpec());
      update.setStatus(status);
      try {
        context.getClient().resource(update).updateStatus();
      } catch (KubernetesClientException e) {
        // a newer version came meanwhile: its own event brings the next reconcile
        LOG.debug("status of override {} not written: {}", o.getMetadata().getName(), e.toString());
        continue;
      }
      if (!StatusConditions.isTrue(old)) {
        if (verdict.state().equals(RateLimitOverrideStatus.ACTIVE)) {
          events.normal(o, context, "Granted", grant(o));
        } else if (verdict.state().equals(RateLimitOverrideStatus.INVALID)) {
          events.normal(o, context, "Invalid", verdict.message());
        }
      }
    }
  }

  /** What an override grants, for its Event: the clients (the first ten), the quotas, the end. */
  private static String grant(RateLimitOverride o) {
    List<String> clients = o.getSpec().getClients();
    String named =
        String.join(", ", clients.subList(0, Math.min(10, clients.size())))
            + (clients.size() > 10 ? " and " + (clients.size() - 10) + " more" : "");
    StringBuilder quotas = new StringBuilder();
    o.getSpec()
        .getLimits()
        .forEach(
            l ->
                quotas
                    .append(quotas.length() == 0 ? "" : ", ")
                    .append(l.getName())
                    .append('=')
                    .append(l.getRequests()));
    return "Policy "
        + o.getSpec().getPolicy()
        + " gives "
        + named
        + " "
        + quotas
        + " until "
        + o.getSpec().getExpires()
        + " (who applied it: the API server's audit log, or metadata.managedFields)";
  }
}
