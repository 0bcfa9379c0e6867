package dev.ratelimiter.operator.enforcement;

import dev.ratelimiter.operator.customresource.StatusConditions;
import dev.ratelimiter.operator.enforcement.PushResult.Outcome;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What the ready agent pods answered to the push of one generation, and the {@code Enforced}
 * condition that follows: True exactly when there is at least one ready agent pod and every one of
 * them confirmed this generation.
 *
 * @param blocker why nothing could be pushed although pods are ready (e.g. no admin token yet), or
 *     null
 */
public record Enforcement(long generation, List<PushResult> results, String blocker) {

  public static final String ENFORCED = StatusConditions.ENFORCED;

  public static Enforcement of(long generation, List<PushResult> results) {
    return new Enforcement(generation, List.copyOf(results), null);
  }

  public static Enforcement blocked(long generation, int readyPods, String why) {
    return new Enforcement(generation, List.of(), readyPods == 0 ? null : why);
  }

  public int enforcing() {
    return (int) results.stream().filter(PushResult::confirmed).count();
  }

  /**
   * True while a ready pod's push of this generation (or to its new address) has not answered for
   * the first time.
   */
  public boolean awaitingFirstAnswers() {
    return results.stream().anyMatch(r -> r.outcome() == Outcome.IN_FLIGHT);
  }

  public boolean enforced() {
    return blocker == null && !results.isEmpty() && enforcing() == results.size();
  }

  public Condition condition() {
    Long gen = generation;
    if (blocker != null) {
      return StatusConditions.condition(
          ENFORCED,
          false,
          "Pending",
          "generation " + generation + " not pushed yet: " + blocker,
          gen);
    }
    if (results.isEmpty()) {
      return StatusConditions.condition(
          ENFORCED,
          false,
          "NoReadyAgents",
          "no ready agent pod confirms generation " + generation + " yet",
          gen);
    }
    if (enforced()) {
      return StatusConditions.condition(
          ENFORCED,
          true,
          "AllAgentsEnforce",
          "all " + results.size() + " ready agent pod(s) enforce generation " + generation,
          gen);
    }
    List<PushResult> behind = results.stream().filter(r -> !r.confirmed()).toList();
    return StatusConditions.condition(
        ENFORCED,
        false,
        reason(behind),
        enforcing()
            + " of "
            + results.size()
            + " ready agent pod(s) enforce generation "
            + generation
            + "; not yet: "
            + behind.stream().map(PushResult::describe).collect(Collectors.joining(", ")),
        gen);
  }

  private static String reason(List<PushResult> behind) {
    if (behind.stream().anyMatch(r -> r.outcome() == Outcome.REJECTED)) {
      return "AgentRejectedPolicy";
    }
    if (behind.stream().anyMatch(r -> r.outcome() == Outcome.UNREACHABLE)) {
      return "AgentUnreachable";
    }
    if (behind.stream().anyMatch(r -> r.outcome() == Outcome.ERROR)) {
      return "AgentError";
    }
    return "Pending";
  }
}
