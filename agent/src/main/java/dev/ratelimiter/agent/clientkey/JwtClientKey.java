package dev.ratelimiter.agent.clientkey;

import dev.ratelimiter.policy.JwtPolicy;
import dev.ratelimiter.policy.PlanPolicy;
import dev.ratelimiter.policy.Policy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The client of a request under {@code clientKey.source: Jwt}: {@code jwt:} and a hash of the
 * verified token's claim, like {@link HeaderClientKey}. A verdict is cached per token (by a hash of
 * it, at most {@value #MAX_CACHED_TOKENS} tokens, least recently used out first), so a hot client
 * pays one signature check, not one per request; a cached valid token is still refused once its
 * {@code exp} has passed. The cache belongs to one policy's JWT rules and JWKS: a rotated JWKS is a
 * new verifier with an empty cache, so a removed key's tokens are refused at once.
 */
public final class JwtClientKey {

  /** Bounds the memory a flood of distinct tokens can take: about 200 bytes each. */
  public static final int MAX_CACHED_TOKENS = 10_000;

  static final String PREFIX = "jwt:";
  private static final String BEARER = "bearer ";

  /** The outcome for one request. */
  public record Outcome(String key, String plan, InvalidToken invalid) {}

  private record Verdict(JwtVerifier.Verified verified, InvalidToken invalid) {}

  private final JwtVerifier verifier;
  private final Map<String, Verdict> cache;

  private static volatile JwtClientKey current;

  JwtClientKey(JwtVerifier verifier) {
    this(verifier, MAX_CACHED_TOKENS);
  }

  JwtClientKey(JwtVerifier verifier, int maxCached) {
    this.verifier = verifier;
    this.cache =
        new LinkedHashMap<>(1024, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Verdict> eldest) {
            return size() > maxCached;
          }
        };
  }

  /**
   * The verifier of this policy's JWT rules: the one in use when they are unchanged (the common
   * case: one policy in force), else a new one that replaces it.
   */
  public static JwtClientKey of(Policy policy) {
    JwtPolicy jwt = policy.clientKey().jwt();
    PlanPolicy plan = policy.plan();
    String planClaim = plan == null ? null : plan.claim();
    JwtClientKey slot = current;
    if (slot != null
        && slot.verifier.policy().equals(jwt)
        && java.util.Objects.equals(slot.verifier.planClaim(), planClaim)) {
      return slot;
    }
    JwtClientKey fresh = new JwtClientKey(new JwtVerifier(jwt, planClaim));
    current = fresh;
    return fresh;
  }

  /**
   * @param values every value of the token header ({@code jwt.header}); one, never several (the
   *     caller refuses that as ambiguous)
   * @return null when there is no token; else the client key and plan claim, or why the token is
   *     invalid
   */
  public Outcome resolve(List<String> values, long nowMillis) {
    if (values == null || values.isEmpty()) {
      return null;
    }
    String value = values.get(0).strip();
    if (value.isEmpty()) {
      return null;
    }
    if (value.length() <= BEARER.length()
        || !value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return new Outcome(
          null,
          null,
          new InvalidToken(
              InvalidToken.MALFORMED,
              "the " + verifier.policy().header() + " header is not 'Bearer <token>'"));
    }
    String token = value.substring(BEARER.length()).strip();
    String id = HeaderClientKey.hash(token);
    Verdict verdict;
    synchronized (cache) {
      verdict = cache.get(id);
    }
    if (verdict == null) {
      verdict = verify(token, nowMillis);
      if (verdict.invalid() == null || verdict.invalid().permanent()) {
        synchronized (cache) {
          cache.put(id, verdict);
        }
      }
    }
    if (verdict.invalid() != null) {
      return new Outcome(null, null, verdict.invalid());
    }
    JwtVerifier.Verified v = verdict.verified();
    if (nowMillis > v.expiresMillis()) {
      return new Outcome(
          null, null, new InvalidToken(InvalidToken.EXPIRED, "the token has expired"));
    }
    if (nowMillis < v.notBeforeMillis()) {
      return new Outcome(
          null,
          null,
          new InvalidToken(InvalidToken.NOT_YET_VALID, "the token is not valid yet (nbf)"));
    }
    return new Outcome(keyOf(v.client()), v.plan(), null);
  }

  /**
   * The key of a client whose claim a trusted gateway verified and passed on (Envoy's {@code
   * jwt_authn} into a gRPC descriptor entry).
   *
   * @return the key, or null when the value is absent, empty or longer than 1024 characters
   */
  public static String keyOf(String claimValue) {
    if (claimValue == null || claimValue.isEmpty() || claimValue.length() > 1024) {
      return null;
    }
    return PREFIX + HeaderClientKey.hash(claimValue);
  }

  private Verdict verify(String token, long nowMillis) {
    try {
      return new Verdict(verifier.verify(token, nowMillis), null);
    } catch (InvalidToken e) {
      return new Verdict(null, e);
    }
  }

  /** How many token verdicts are cached (for tests of the bound). */
  public int cachedTokens() {
    synchronized (cache) {
      return cache.size();
    }
  }
}
