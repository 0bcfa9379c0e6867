package dev.ratelimiter.policy;

import java.util.regex.Pattern;

/**
 * Where a client's plan comes from ({@code plan}): a request header, believed only from trusted
 * proxies, or a claim of the verified token ({@code clientKey.source: Jwt}). Anything else (no
 * value, a value that is not a plan name, a header from an untrusted peer) is {@code defaultPlan}.
 *
 * @param header the header naming the plan, or null
 * @param claim the token claim naming the plan, or null; exactly one of the two is set
 * @param defaultPlan the plan of every client that names none it may
 */
public record PlanPolicy(String header, String claim, String defaultPlan) {

  public static final String DEFAULT_PLAN = "default";
  public static final int MAX_PLANS = 16;
  private static final Pattern NAME = Pattern.compile(Limit.NAME_PATTERN);

  /** A plan name is a DNS label, like a limit name. */
  public static boolean isPlanName(String value) {
    return value != null
        && !value.isEmpty()
        && value.length() <= Limit.NAME_MAX_LENGTH
        && NAME.matcher(value).matches();
  }

  /** The plan a client is on, given the value it brought (null: none it may bring). */
  public String planOf(String value) {
    return isPlanName(value) ? value : defaultPlan;
  }
}
