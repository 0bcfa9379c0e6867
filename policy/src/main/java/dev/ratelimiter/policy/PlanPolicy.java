package dev.ratelimiter.policy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where a client's plan comes from ({@code plan}): a request header, believed only from trusted
 * proxies, or a claim of the verified token ({@code clientKey.source: Jwt}). Anything else (no
 * value, a plan the policy does not name, a header from an untrusted peer) is {@code defaultPlan}.
 *
 * @param header the header naming the plan, or null
 * @param claim the token claim naming the plan, or null; exactly one of the two is set
 * @param defaultPlan the plan of every client that names none it may
 * @param known the plans the policy names (in {@code match.plans}, {@code exemptPlans} and {@code
 *     default}): a value outside them is the default plan, so that a made-up plan cannot escape
 *     every plan's limits
 */
public record PlanPolicy(String header, String claim, String defaultPlan, Set<String> known) {

  public static final String DEFAULT_PLAN = "default";
  public static final int MAX_PLANS = 16;
  private static final Pattern NAME = Pattern.compile(Limit.NAME_PATTERN);

  public PlanPolicy {
    known = Set.copyOf(known);
  }

  /** The same source and default, knowing the plans a policy's limits and exemptions name. */
  public PlanPolicy knowing(List<Limit> limits, List<String> exemptPlans) {
    Set<String> names = new HashSet<>(exemptPlans);
    names.add(defaultPlan);
    for (Limit limit : limits) {
      if (limit.match() != null) {
        names.addAll(limit.match().plans());
      }
    }
    return new PlanPolicy(header, claim, defaultPlan, names);
  }

  /** A plan name is a DNS label, like a limit name. */
  public static boolean isPlanName(String value) {
    return value != null
        && !value.isEmpty()
        && value.length() <= Limit.NAME_MAX_LENGTH
        && NAME.matcher(value).matches();
  }

  /** The plan a client is on, given the value it brought (null: none it may bring). */
  public String planOf(String value) {
    return value != null && known.contains(value) ? value : defaultPlan;
  }
}
