package dev.ratelimiter.policy;

import java.util.List;

/**
 * A validated policy document: what one agent enforces.
 *
 * @param id {@code <namespace>/<name>} of the RateLimitPolicy; scopes the Redis keys
 * @param generation the RateLimitPolicy generation this document was rendered from
 * @param limits all apply; a request passes only when every limit allows it
 * @param clientKey how the client is identified
 * @param failurePolicy what happens when the store does not answer
 * @param exempt client addresses never counted nor refused
 * @param mode Enforce, or Shadow (count, never refuse)
 * @param agents how many agents share the limits (the operator's count of ready agent pods): with
 *     failurePolicy Local each enforces {@code ceil(requests / agents)} while the store is away
 * @param plan where a client's plan comes from; null: the policy has no plans
 * @param exemptPlans clients on these plans are never counted nor refused
 * @param overrides other quotas for some clients until a time (RateLimitOverride resources)
 */
public record Policy(
    String id,
    long generation,
    List<Limit> limits,
    ClientKeyPolicy clientKey,
    FailurePolicy failurePolicy,
    List<Cidr> exempt,
    Mode mode,
    int agents,
    PlanPolicy plan,
    List<String> exemptPlans,
    Overrides overrides) {

  public static final String DEFAULT_ID = "default";
  public static final int MIN_LIMITS = 1;
  public static final int MAX_LIMITS = 16;
  public static final int MAX_EXEMPT = 64;
  public static final int MAX_AGENTS = 1000;

  public Policy {
    limits = List.copyOf(limits);
    exempt = List.copyOf(exempt);
    exemptPlans = List.copyOf(exemptPlans);
    overrides = overrides == null ? Overrides.NONE : overrides;
  }

  /** Without overrides. */
  public Policy(
      String id,
      long generation,
      List<Limit> limits,
      ClientKeyPolicy clientKey,
      FailurePolicy failurePolicy,
      List<Cidr> exempt,
      Mode mode,
      int agents,
      PlanPolicy plan,
      List<String> exemptPlans) {
    this(
        id,
        generation,
        limits,
        clientKey,
        failurePolicy,
        exempt,
        mode,
        agents,
        plan,
        exemptPlans,
        Overrides.NONE);
  }

  /**
   * {@code limits} as they apply to {@code client} now, by the wall clock, so that an override ends
   * on time without a push; the clock is read only when the policy has overrides.
   */
  public List<Limit> limitsFor(String client, List<Limit> limits) {
    return overrides.isEmpty() ? limits : limitsFor(client, limits, System.currentTimeMillis());
  }

  /**
   * {@code limits} (some or all of this policy's, in its order) as they apply to {@code client} at
   * {@code epochMillis}: with its override's quotas while one is in force.
   */
  public List<Limit> limitsFor(String client, List<Limit> limits, long epochMillis) {
    if (overrides.isEmpty()) {
      return limits;
    }
    QuotaOverride o = overrides.of(client, epochMillis);
    return o == null ? limits : o.apply(limits);
  }

  /** Without plans. */
  public Policy(
      String id,
      long generation,
      List<Limit> limits,
      ClientKeyPolicy clientKey,
      FailurePolicy failurePolicy,
      List<Cidr> exempt,
      Mode mode,
      int agents) {
    this(id, generation, limits, clientKey, failurePolicy, exempt, mode, agents, null, List.of());
  }

  /** Enforced, nobody exempt, one agent. */
  public Policy(
      String id,
      long generation,
      List<Limit> limits,
      ClientKeyPolicy clientKey,
      FailurePolicy failurePolicy) {
    this(id, generation, limits, clientKey, failurePolicy, List.of(), Mode.Enforce, 1);
  }

  /** Whether a client at this address is never counted nor refused. */
  public boolean exempts(IpAddress address) {
    for (Cidr cidr : exempt) {
      if (cidr.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a client on this plan (null: the policy has no plans) is never counted nor refused. */
  public boolean exemptsPlan(String clientPlan) {
    return clientPlan != null && exemptPlans.contains(clientPlan);
  }

  /** Whether a limit counts tokens ({@code cost}): requests then say what they may spend. */
  public boolean hasTokenBudgets() {
    for (Limit limit : limits) {
      if (limit.costed()) {
        return true;
      }
    }
    return false;
  }

  /** The seed's behaviour: 10 requests per minute per client IP, fail open. */
  public static Policy defaultPolicy() {
    return new Policy(
        DEFAULT_ID,
        0,
        List.of(Limit.defaultLimit()),
        ClientKeyPolicy.remoteAddress(),
        FailurePolicy.Open);
  }
}
