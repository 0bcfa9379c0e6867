package dev.ratelimiter.agent.clientkey;

/**
 * Why a bearer token does not name a client: the check that failed ({@link #reason}, one word the
 * 401 answer and the metrics carry) and what was wrong, never the token itself.
 */
public final class InvalidToken extends Exception {

  public static final String MALFORMED = "malformed";
  public static final String ALGORITHM = "algorithm";
  public static final String UNKNOWN_KEY = "unknown-key";
  public static final String SIGNATURE = "signature";
  public static final String ISSUER = "issuer";
  public static final String AUDIENCE = "audience";
  public static final String EXPIRED = "expired";
  public static final String NOT_YET_VALID = "not-yet-valid";
  public static final String CLAIM = "claim";

  private final String reason;

  public InvalidToken(String reason, String detail) {
    super(detail, null, false, false);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }

  /** Whether the same token would fail the same way later (so the verdict may be cached). */
  boolean permanent() {
    return !NOT_YET_VALID.equals(reason);
  }
}
