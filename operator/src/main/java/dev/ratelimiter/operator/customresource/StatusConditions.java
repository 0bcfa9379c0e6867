package dev.ratelimiter.operator.customresource;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The policy's condition types and how a condition is built: a condition keeps its {@code
 * lastTransitionTime} unless its status flips, and its message is bounded.
 */
public final class StatusConditions {

  public static final String READY = "Ready";
  public static final String REDIS_READY = "RedisReady";
  public static final String AGENTS_READY = "AgentsReady";
  public static final String ENFORCED = "Enforced";
  public static final String INVALID_SPEC = "InvalidSpec";
  static final int MAX_MESSAGE = 1024;

  private StatusConditions() {}

  /** A condition without a transition time (that comes with {@link #withTransitionTimes}). */
  public static Condition condition(
      String type, boolean status, String reason, String message, Long generation) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status ? "True" : "False")
        .withReason(reason)
        .withMessage(truncate(message))
        .withObservedGeneration(generation)
        .build();
  }

  /**
   * The conditions of {@code next}, each stamped with the previous {@code lastTransitionTime} of
   * its type when its status did not change, else with the time of {@code clock}.
   */
  public static List<Condition> withTransitionTimes(
      List<Condition> previous, List<Condition> next, Clock clock) {
    String now = timestamp(clock);
    List<Condition> out = new ArrayList<>();
    for (Condition c : next) {
      Condition copy = new ConditionBuilder(c).build();
      Condition old = find(previous, c.getType());
      boolean unchanged =
          old != null
              && Objects.equals(old.getStatus(), c.getStatus())
              && old.getLastTransitionTime() != null;
      copy.setLastTransitionTime(unchanged ? old.getLastTransitionTime() : now);
      out.add(copy);
    }
    return out;
  }

  /** The condition of {@code type} in {@code conditions}, or null. */
  public static Condition find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return null;
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  public static boolean isTrue(Condition c) {
    return c != null && "True".equals(c.getStatus());
  }

  /** RFC 3339 in whole seconds, as Kubernetes writes times. */
  public static String timestamp(Clock clock) {
    return DateTimeFormatter.ISO_INSTANT.format(Instant.now(clock).truncatedTo(ChronoUnit.SECONDS));
  }

  public static String truncate(String message) {
    if (message == null) {
      return null;
    }
    return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE - 1) + "…";
  }
}
