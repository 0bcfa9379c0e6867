package dev.ratelimiter.agent.limiter;

import dev.ratelimiter.policy.Limit;
import dev.ratelimiter.policy.Policy;
import java.util.List;

/**
 * The answer for one request, with what the client is told about each limit that applied to it.
 *
 * @param policy the policy it was decided under
 * @param limits the limits that applied to the request (its route matched them), in policy order;
 *     empty when none did or the client is exempt. With failurePolicy Local while the store is
 *     away: this agent's share of each
 * @param allowed whether the request may proceed
 * @param remaining per applied limit, requests left (a TokenBucket: whole tokens left); null when
 *     the store did not answer
 * @param resetMillis per applied limit, milliseconds until it is back to its full quota (a fixed
 *     window's end, the last counted request leaving a sliding window, a full bucket); null when
 *     the store did not answer
 * @param outcome how it was decided, for metrics
 * @param cost units the request counted for (1 for an HTTP request; Envoy's {@code hits_addend})
 * @param retryMillis per applied limit, milliseconds until it would allow a request of this cost
 *     (0: it does); null when the store did not answer
 * @param charged per applied limit, what the request consumed when a token budget was among them
 *     (its reservation; {@code cost} for the others); null when none was
 */
public record Decision(
    Policy policy,
    List<Limit> limits,
    boolean allowed,
    long[] remaining,
    long[] resetMillis,
    Outcome outcome,
    long cost,
    long[] retryMillis,
    long[] charged) {

  /** A decision with no token budget among its limits. */
  public Decision(
      Policy policy,
      List<Limit> limits,
      boolean allowed,
      long[] remaining,
      long[] resetMillis,
      Outcome outcome,
      long cost,
      long[] retryMillis) {
    this(policy, limits, allowed, remaining, resetMillis, outcome, cost, retryMillis, null);
  }

  public enum Outcome {
    /** the store counted it */
    ALLOWED,
    /** the store refused it */
    REJECTED,
    /** refused from the local cache of rejected clients, without a store call */
    REJECTED_CACHED,
    /** the store did not answer and failurePolicy Open let it through */
    FAILED_OPEN,
    /**
     * the store did not answer; failurePolicy Local counted it against this agent's share and
     * allowed it
     */
    LOCAL_ALLOWED,
    /** the store did not answer; failurePolicy Local refused it: this agent's share is used up */
    LOCAL_REJECTED,
    /** mode Shadow: a limit would have refused it, and it was let through */
    SHADOW_REJECTED,
    /** the client address is in the policy's exempt list: not counted, not refused */
    EXEMPT,
    /** no limit of the policy matches the request's route: not counted, not refused */
    UNMATCHED;

    /** The value of the {@code outcome} tag. */
    public String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Let through without counting: the client is exempt, or no limit matches the request. */
  static Decision uncounted(Policy policy, Outcome outcome, long cost) {
    return new Decision(policy, List.of(), true, null, null, outcome, cost, null);
  }

  public boolean countersKnown() {
    return remaining != null;
  }

  /** Whether any limit applied: else the request carries no rate-limit headers. */
  public boolean limited() {
    return !limits.isEmpty();
  }

  /**
   * Whether the limit at {@code index} (of {@link #limits}) would not admit a request of this cost
   * when it was decided: it refused, or would have (the store reported a wait for it). Meaningful
   * for a refused decision; an allowed one has every retry 0.
   */
  public boolean refusedBy(int index) {
    return countersKnown() && retryMillis[index] > 0;
  }

  /**
   * The limit to report in the single-limit headers: when refused, the used-up limit whose window
   * ends last (it decides Retry-After); otherwise the one with the fewest requests left.
   */
  public int strictestIndex() {
    int best = 0;
    if (!countersKnown()) {
      return best;
    }
    for (int i = 1; i < remaining.length; i++) {
      boolean fewer = remaining[i] < remaining[best];
      boolean tieLonger = remaining[i] == remaining[best] && resetMillis[i] > resetMillis[best];
      if (fewer || tieLonger) {
        best = i;
      }
    }
    return best;
  }

  public Limit strictestLimit() {
    return limits.get(strictestIndex());
  }

  /**
   * Milliseconds until a request of the same cost would be allowed: the latest of the limits' retry
   * times, each exact for its algorithm (when the window ends, when the oldest counted requests
   * leave the sliding window, when the bucket holds enough tokens). Each limit only frees quota as
   * time passes, so at that moment all of them allow it. A cost above what a limit can ever admit
   * is never allowed; this is then that limit's reset.
   */
  public long retryAfterMillis() {
    long wait = 0;
    if (retryMillis != null) {
      for (long r : retryMillis) {
        wait = Math.max(wait, r);
      }
    }
    return wait;
  }
}
