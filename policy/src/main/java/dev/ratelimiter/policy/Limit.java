package dev.ratelimiter.policy;

/**
 * One limit of a policy: at most {@code requests} per {@code windowSeconds} for each client.
 *
 * @param name          DNS-label style name, unique within the policy; part of the counter key
 * @param requests      quota per window, {@value #MIN_REQUESTS} .. {@value #MAX_REQUESTS}
 * @param windowSeconds window length in whole seconds, see {@link WindowFormat}
 * @param algorithm     how requests are counted
 * @param match         the requests the limit applies to; null = every request
 */
public record Limit(String name, long requests, long windowSeconds, Algorithm algorithm, RouteMatch match) {

    /** A limit that applies to every request. */
    public Limit(String name, long requests, long windowSeconds, Algorithm algorithm) {
        this(name, requests, windowSeconds, algorithm, null);
    }

    /** Whether a request with this method and path (either null when unknown) counts against this limit. */
    public boolean applies(String method, String path) {
        return match == null || match.matches(method, path);
    }

    /** The same limit with another quota (Local failure policy: each agent's share). */
    public Limit withRequests(long otherRequests) {
        return new Limit(name, otherRequests, windowSeconds, algorithm, match);
    }

    /** DNS label: lower-case letters, digits and '-', starting and ending alphanumeric. */
    public static final String NAME_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
    public static final int NAME_MAX_LENGTH = 63;
    public static final long MIN_REQUESTS = 1;
    public static final long MAX_REQUESTS = 1_000_000_000L;

    public static final String DEFAULT_NAME = "default";
    public static final long DEFAULT_REQUESTS = 10;
    public static final String DEFAULT_WINDOW = "1m";

    /** The seed's limit: 10 requests per minute. */
    public static Limit defaultLimit() {
        return new Limit(DEFAULT_NAME, DEFAULT_REQUESTS, WindowFormat.parseSeconds(DEFAULT_WINDOW), Algorithm.FixedWindow);
    }

    public long windowMillis() {
        return windowSeconds * 1000L;
    }

    /** The window written the way policies write it, e.g. {@code 1h30m}. */
    public String windowText() {
        return WindowFormat.format(windowSeconds);
    }
}
