package dev.ratelimiter.operator;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicyStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a policy's status: a list of conditions plus {@code observedGeneration}. A condition keeps
 * its {@code lastTransitionTime} unless its status flips; nothing is written when nothing changed.
 * The status is replaced through the status subresource with optimistic locking (PUT, not a merge
 * patch), so the conditions list is exactly what was computed.
 */
public final class StatusHelper {

  public static final String READY = "Ready";
  public static final String REDIS_READY = "RedisReady";
  public static final String AGENTS_READY = "AgentsReady";
  public static final String INVALID_SPEC = "InvalidSpec";
  private static final int MAX_MESSAGE = 1024;
  private static final Logger log = LoggerFactory.getLogger(StatusHelper.class);

  private static volatile Clock clock = Clock.systemUTC();

  private StatusHelper() {}

  /** For tests: a clock to stamp transitions with. */
  static void useClock(Clock c) {
    clock = c;
  }

  public static Condition condition(String type, boolean status, String reason, String message, Long generation) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status ? "True" : "False")
        .withReason(reason)
        .withMessage(truncate(message))
        .withObservedGeneration(generation)
        .build();
  }

  /**
   * The conditions of {@code next}, each stamped with the previous {@code lastTransitionTime} of its
   * type when its status did not change, else with now.
   */
  public static List<Condition> withTransitionTimes(List<Condition> previous, List<Condition> next) {
    String now = DateTimeFormatter.ISO_INSTANT.format(Instant.now(clock).truncatedTo(ChronoUnit.SECONDS));
    List<Condition> out = new ArrayList<>();
    for (Condition c : next) {
      Condition copy = new ConditionBuilder(c).build();
      Condition old = find(previous, c.getType());
      boolean unchanged = old != null && Objects.equals(old.getStatus(), c.getStatus()) && old.getLastTransitionTime() != null;
      copy.setLastTransitionTime(unchanged ? old.getLastTransitionTime() : now);
      out.add(copy);
    }
    return out;
  }

  public static Condition find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return null;
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  /**
   * Sets {@code computed} (conditions without times) as the status of {@code policy}, unless the
   * stored status already says the same. Retries conflicts on a fresh copy.
   *
   * @return true when a write happened
   */
  public static boolean write(RateLimitPolicy policy, Context<RateLimitPolicy> context, RateLimitPolicyStatus computed) {
    RateLimitPolicyStatus merged = merge(policy.getStatus(), computed);
    if (merged.equals(policy.getStatus())) {
      return false;
    }
    UnaryOperator<RateLimitPolicy> apply =
        p -> {
          p.setStatus(merge(p.getStatus(), computed));
          return p;
        };
    PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(policy, context, apply);
    return true;
  }

  private static RateLimitPolicyStatus merge(RateLimitPolicyStatus previous, RateLimitPolicyStatus computed) {
    RateLimitPolicyStatus s = new RateLimitPolicyStatus();
    s.setObservedGeneration(computed.getObservedGeneration());
    s.setConditions(withTransitionTimes(previous == null ? null : previous.getConditions(), computed.getConditions()));
    s.setAgents(computed.getAgents());
    s.setEndpoint(computed.getEndpoint());
    s.setLimits(computed.getLimits());
    return s;
  }

  /** CamelCase reason for a failure, for {@code Ready=False}. */
  public static String reasonFor(Throwable e) {
    if (e instanceof AggregatedOperatorException agg && !agg.getAggregatedExceptions().isEmpty()) {
      return reasonFor(agg.getAggregatedExceptions().values().iterator().next());
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof KubernetesClientException kce && kce.getCode() > 0) {
        switch (kce.getCode()) {
          case 401:
            return "Unauthorized";
          case 403:
            return "Forbidden";
          case 404:
            return "NotFound";
          case 409:
            return "Conflict";
          case 422:
            return "Invalid";
          case 429:
            return "TooManyRequests";
          default:
            return kce.getCode() >= 500 ? "ApiServerError" : "ApiError";
        }
      }
      if (t instanceof HttpTimeoutException || t instanceof TimeoutException) {
        return "Timeout";
      }
      if (t instanceof java.io.IOException) {
        return "ApiUnreachable";
      }
    }
    return "ReconcileError";
  }

  /** One line for humans: the innermost useful message. */
  public static String messageFor(Throwable e) {
    Throwable t = e;
    if (e instanceof AggregatedOperatorException agg && !agg.getAggregatedExceptions().isEmpty()) {
      var first = agg.getAggregatedExceptions().entrySet().iterator().next();
      return "dependent " + first.getKey() + ": " + messageFor(first.getValue());
    }
    while (t.getCause() != null && (t.getMessage() == null || t.getMessage().isBlank())) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return truncate(m.replaceAll("\\s+", " ").trim());
  }

  /** Records a Warning Event on the policy for failures an admin must act on; never throws. */
  public static void warn(RateLimitPolicy policy, Context<RateLimitPolicy> context, String reason, String message) {
    try {
      String now = DateTimeFormatter.ISO_INSTANT.format(Instant.now(clock).truncatedTo(ChronoUnit.SECONDS));
      var event =
          new EventBuilder()
              .withNewMetadata()
              .withName(policy.getMetadata().getName() + "." + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT))
              .withNamespace(policy.getMetadata().getNamespace())
              .endMetadata()
              .withNewInvolvedObject()
              .withApiVersion(policy.getApiVersion())
              .withKind(policy.getKind())
              .withName(policy.getMetadata().getName())
              .withNamespace(policy.getMetadata().getNamespace())
              .withUid(policy.getMetadata().getUid())
              .withResourceVersion(policy.getMetadata().getResourceVersion())
              .endInvolvedObject()
              .withType("Warning")
              .withReason(reason)
              .withMessage(truncate(message))
              .withFirstTimestamp(now)
              .withLastTimestamp(now)
              .withCount(1)
              .withNewSource()
              .withComponent(Labels.OPERATOR)
              .endSource()
              .build();
      context.getClient().v1().events().inNamespace(policy.getMetadata().getNamespace()).resource(event).create();
    } catch (RuntimeException e) {
      log.debug("could not record event {} for {}: {}", reason, Names.policyId(policy), e.toString());
    }
  }

  private static String truncate(String message) {
    if (message == null) {
      return null;
    }
    return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE - 1) + "…";
  }
}
