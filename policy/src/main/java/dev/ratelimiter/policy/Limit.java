package dev.ratelimiter.policy;

/**
 * One limit of a policy: at most {@code requests} per {@code windowSeconds} for each client.
 *
 * @param name DNS-label style name, unique within the policy; part of the counter key
 * @param requests quota per window, {@value #MIN_REQUESTS} .. {@value #MAX_REQUESTS}
 * @param windowSeconds window length in whole seconds, see {@link WindowFormat}
 * @param algorithm how requests are counted
 * @param burst the most units a client can spend at once: {@code burst} for TokenBucket (default
 *     {@code requests}), {@code requests} for the other algorithms
 * @param match the requests the limit applies to; null = every request
 * @param cost what a request costs against it; null: one unit per request ({@code requests} is then
 *     a request quota, else a budget in tokens)
 */
public record Limit(
    String name,
    long requests,
    long windowSeconds,
    Algorithm algorithm,
    long burst,
    RouteMatch match,
    Cost cost) {

  /** A limit that counts requests. */
  public Limit(
      String name,
      long requests,
      long windowSeconds,
      Algorithm algorithm,
      long burst,
      RouteMatch match) {
    this(name, requests, windowSeconds, algorithm, burst, match, null);
  }

  /**
   * A limit that applies to every request, whose burst is {@code requests} (the only choice for
   * FixedWindow and SlidingWindow).
   */
  public Limit(String name, long requests, long windowSeconds, Algorithm algorithm) {
    this(name, requests, windowSeconds, algorithm, requests, null);
  }

  /** A limit that applies to every request. */
  public Limit(String name, long requests, long windowSeconds, Algorithm algorithm, long burst) {
    this(name, requests, windowSeconds, algorithm, burst, null);
  }

  /**
   * Whether a request with this method and path (either null when unknown) counts against this
   * limit.
   */
  public boolean applies(String method, String path) {
    return match == null || match.matches(method, path);
  }

  /** Whether a request with this route, client plan and headers counts against this limit. */
  public boolean applies(String method, String path, String plan, RequestHeaders headers) {
    return match == null || match.matches(method, path, plan, headers);
  }

  /**
   * One agent's share of this limit under failurePolicy Local: {@code ceil(requests / agents)} per
   * window and, for a TokenBucket, {@code ceil(burst / agents)} at once (the other algorithms keep
   * burst = requests), so the shares together are at least the limit.
   */
  public Limit share(int agents) {
    long shareRequests = ceilDiv(requests, agents);
    long shareBurst = algorithm == Algorithm.TokenBucket ? ceilDiv(burst, agents) : shareRequests;
    Cost shareCost =
        cost == null
            ? null
            : new Cost(cost.usage(), Math.min(cost.reserve(), shareRequests), cost.header());
    return new Limit(name, shareRequests, windowSeconds, algorithm, shareBurst, match, shareCost);
  }

  private static long ceilDiv(long value, int agents) {
    int n = Math.max(1, agents);
    return (value + n - 1) / n;
  }

  /** DNS label: lower-case letters, digits and '-', starting and ending alphanumeric. */
  public static final String NAME_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  public static final int NAME_MAX_LENGTH = 63;
  public static final long MIN_REQUESTS = 1;
  public static final long MAX_REQUESTS = 1_000_000_000L;

  /**
   * SlidingWindow remembers every admitted request of the last window (a timestamp and its cost),
   * so its state per client grows with {@code requests}; this bounds it.
   */
  public static final long MAX_SLIDING_WINDOW_REQUESTS = 10_000L;

  public static final long MIN_BURST = 1;

  /**
   * TokenBucket counts tokens exactly, in steps of 1/(window in ms) of a token, as whole numbers
   * that the Redis script's Lua (double precision, 2^53) must hold: burst x window-in-ms at most
   * 8.64e15 for the longest window, 24h.
   */
  public static final long MAX_BURST = 100_000_000L;

  public static final String DEFAULT_NAME = "default";
  public static final long DEFAULT_REQUESTS = 10;
  public static final String DEFAULT_WINDOW = "1m";

  /** The seed's limit: 10 requests per minute. */
  public static Limit defaultLimit() {
    return new Limit(
        DEFAULT_NAME,
        DEFAULT_REQUESTS,
        WindowFormat.parseSeconds(DEFAULT_WINDOW),
        Algorithm.FixedWindow);
  }

  /** Whether this limit is a token budget: a request costs what the backend reports. */
  public boolean costed() {
    return cost != null;
  }

  public long windowMillis() {
    return windowSeconds * 1000L;
  }

  /** The window written the way policies write it, e.g. {@code 1h30m}. */
  public String windowText() {
    return WindowFormat.format(windowSeconds);
  }
}
