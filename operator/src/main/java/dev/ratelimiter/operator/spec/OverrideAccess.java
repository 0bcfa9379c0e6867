package dev.ratelimiter.operator.spec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ratelimiter.operator.customresource.RateLimitOverride;
import dev.ratelimiter.operator.customresource.RateLimitOverrideStatus;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.policy.InvalidPolicyException;
import dev.ratelimiter.policy.PolicyParser;
import dev.ratelimiter.policy.QuotaOverride;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code RateLimitOverride}s of a policy (same namespace, {@code spec.policy} its name), judged
 * once per reconcile: each is Active (merged into the document the agents get), Expired (its time
 * has passed; the agents stopped applying it by themselves) or Invalid (a limit the policy lacks, a
 * burst for a limit that is no TokenBucket, an {@code expires} more than {@value #MAX_DAYS_AHEAD}
 * days ahead, a client another override already names, or more than {@link
 * QuotaOverride#MAX_CLIENTS} clients in all). An invalid override is left out and said so in its
 * own status: it never keeps the policy or the other overrides from being enforced. Those in force
 * first, then the oldest (creation time, then name), so that a new override never takes a client
 * from one that is already granting it.
 */
public final class OverrideAccess {

  public static final String OVERRIDES = "rate-limit-overrides";
  public static final int MAX_DAYS_AHEAD = 90;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What one override is, and why. */
  public record Verdict(RateLimitOverride override, String state, String reason, String message) {}

  /**
   * @param document the active overrides as the document's {@code overrides}
   * @param nextChange the earliest time an active override expires, if any
   */
  public record Judged(List<Verdict> verdicts, ArrayNode document, Optional<Instant> nextChange) {}

  private static final Judged NONE =
      new Judged(List.of(), JSON.createArrayNode(), Optional.empty());

  private OverrideAccess() {}

  public static InformerEventSource<RateLimitOverride, RateLimitPolicy> informer(
      EventSourceContext<RateLimitPolicy> context) {
    var config =
        InformerEventSourceConfiguration.from(RateLimitOverride.class, RateLimitPolicy.class)
            .withName(OVERRIDES)
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(
                o ->
                    o.getSpec() == null || o.getSpec().getPolicy() == null
                        ? Set.of()
                        : Set.of(
                            new ResourceID(
                                o.getSpec().getPolicy(), o.getMetadata().getNamespace())))
            .build();
    return new InformerEventSource<>(config, context);
  }

  /** The policy's overrides judged, once per reconcile (the ConfigMap and the push both ask). */
  public static Judged read(RateLimitPolicy p, Context<RateLimitPolicy> context) {
    if (context == null) {
      return NONE; // a rendering outside a reconcile (DesiredStateTest): no informers to ask
    }
    var reconcile = context.managedWorkflowAndDependentResourceContext();
    Optional<Judged> done = reconcile.get(Judged.class, Judged.class);
    if (done.isPresent()) {
      return done.get();
    }
    List<RateLimitOverride> mine =
        context
            .getSecondaryResourcesAsStream(RateLimitOverride.class)
            .filter(o -> o.getSpec() != null)
            .filter(o -> p.getMetadata().getName().equals(o.getSpec().getPolicy()))
            .filter(o -> p.getMetadata().getNamespace().equals(o.getMetadata().getNamespace()))
            .toList();
    Judged judged = judge(p, mine, Clock.systemUTC());
    reconcile.put(Judged.class, judged);
    return judged;
  }

  static Judged judge(RateLimitPolicy p, List<RateLimitOverride> overrides, Clock clock) {
    Instant now = clock.instant();
    List<RateLimitOverride> oldestFirst = new ArrayList<>(overrides);
    // an override in force keeps its clients; then the oldest (creation times are in whole
    // seconds, so the name breaks a tie)
    oldestFirst.sort(
        Comparator.comparing((RateLimitOverride o) -> wasActive(o) ? 0 : 1)
            .thenComparing(
                o ->
                    o.getMetadata().getCreationTimestamp() == null
                        ? ""
                        : o.getMetadata().getCreationTimestamp())
            .thenComparing(o -> o.getMetadata().getName()));
    List<Verdict> verdicts = new ArrayList<>();
    ArrayNode document = JSON.createArrayNode();
    Map<String, String> granted = new HashMap<>();
    Instant next = null;
    for (RateLimitOverride o : oldestFirst) {
      Verdict verdict = verdict(p, o, now, granted);
      verdicts.add(verdict);
      if (verdict.state().equals(RateLimitOverrideStatus.ACTIVE)) {
        document.add(entry(o));
        o.getSpec().getClients().forEach(c -> granted.put(c, o.getMetadata().getName()));
        Instant expires = Instant.parse(o.getSpec().getExpires());
        next = next == null || expires.isBefore(next) ? expires : next;
      }
    }
    return new Judged(verdicts, document, Optional.ofNullable(next));
  }

  private static boolean wasActive(RateLimitOverride o) {
    return o.getStatus() != null
        && o.getStatus().getConditions() != null
        && o.getStatus().getConditions().stream()
            .anyMatch(
                c ->
                    RateLimitOverrideStatus.ACTIVE.equals(c.getType())
                        && "True".equals(c.getStatus()));
  }

  private static Verdict verdict(
      RateLimitPolicy p, RateLimitOverride o, Instant now, Map<String, String> granted) {
    Instant expires;
    try {
      expires = Instant.parse(o.getSpec().getExpires());
    } catch (DateTimeParseException | NullPointerException e) {
      return invalid(o, "spec.expires: not a time like 2026-12-24T00:00:00Z");
    }
    if (!expires.isAfter(now)) {
      return new Verdict(
          o, RateLimitOverrideStatus.EXPIRED, "Expired", "Ended at " + expires + ".");
    }
    if (expires.isAfter(now.plus(Duration.ofDays(MAX_DAYS_AHEAD)))) {
      return invalid(
          o, "spec.expires: " + expires + " is more than " + MAX_DAYS_AHEAD + " days ahead");
    }
    ObjectNode alone = SpecDocument.tree(p.getSpec(), null, null);
    alone.set("overrides", JSON.createArrayNode().add(entry(o)));
    try {
      PolicyParser.parse(alone);
    } catch (InvalidPolicyException e) {
      return invalid(o, e.getMessage().replaceFirst("^overrides\\[0\\]\\.", "spec."));
    }
    for (String client : o.getSpec().getClients()) {
      String other = granted.get(client);
      if (other != null) {
        return invalid(
            o, "spec.clients: '" + client + "' is in override " + other + ", which is older");
      }
    }
    long clients = granted.size() + o.getSpec().getClients().stream().distinct().count();
    if (clients > QuotaOverride.MAX_CLIENTS) {
      return invalid(
          o,
          "spec.clients: with it the overrides of policy "
              + p.getMetadata().getName()
              + " would name "
              + clients
              + " clients, more than "
              + QuotaOverride.MAX_CLIENTS);
    }
    return new Verdict(
        o,
        RateLimitOverrideStatus.ACTIVE,
        "Active",
        "Merged into the policy's document for "
            + o.getSpec().getClients().size()
            + " clients until "
            + expires
            + ".");
  }

  private static Verdict invalid(RateLimitOverride o, String message) {
    return new Verdict(o, RateLimitOverrideStatus.INVALID, "Invalid", message);
  }

  /** The override as one entry of the document's {@code overrides}. */
  private static ObjectNode entry(RateLimitOverride o) {
    ObjectNode entry = JSON.createObjectNode();
    entry.put("name", o.getMetadata().getName());
    entry.set("clients", JSON.valueToTree(o.getSpec().getClients()));
    entry.set("limits", JSON.valueToTree(o.getSpec().getLimits()));
    entry.put("expires", o.getSpec().getExpires());
    return entry;
  }
}
