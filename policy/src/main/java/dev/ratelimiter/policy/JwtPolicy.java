package dev.ratelimiter.policy;

import java.util.List;

/**
 * With {@code clientKey.source: Jwt}: which bearer tokens identify a client. A token counts only
 * when its signature verifies with a key of {@code jwks} under an asymmetric algorithm ({@link
 * #ALGORITHMS}), its {@code iss} is {@code issuer}, its {@code aud} holds one of {@code audiences}
 * (when given), and now is inside its {@code nbf}..{@code exp} give or take {@code
 * clockSkewSeconds}. The client is the {@code claim}, counted under a hash of it.
 *
 * @param header the request header carrying {@code Bearer <token>}
 * @param claim the claim that names the client
 * @param issuer the required {@code iss}
 * @param audiences an {@code aud} must hold one of these; empty: any audience
 * @param jwks the public keys as canonical JWKS JSON ({@link Jwks}); null in a RateLimitPolicy
 *     spec, where {@code jwksConfigMapRef} names them and the operator fills this in
 * @param jwksConfigMapRef in a spec, the ConfigMap that holds the JWKS; null in the agent's
 *     document
 * @param clockSkewSeconds tolerance on {@code exp} and {@code nbf}
 */
public record JwtPolicy(
    String header,
    String claim,
    String issuer,
    List<String> audiences,
    String jwks,
    ConfigMapKeyRef jwksConfigMapRef,
    int clockSkewSeconds) {

  /** A key of a ConfigMap in the policy's namespace. */
  public record ConfigMapKeyRef(String name, String key) {}

  public static final String DEFAULT_HEADER = "Authorization";
  public static final String DEFAULT_CLAIM = "sub";
  public static final int DEFAULT_CLOCK_SKEW_SECONDS = 30;
  public static final int MAX_CLOCK_SKEW_SECONDS = 300;
  public static final int MAX_AUDIENCES = 16;
  public static final int MAX_TEXT_LENGTH = 256;

  /** A JWT claim name: letters, digits, '_', '-', '.', ':' (no spaces, no JSON syntax). */
  public static final String CLAIM_PATTERN = "^[A-Za-z0-9_.:-]{1,64}$";

  /**
   * The accepted signature algorithms: asymmetric only. {@code none} and HMAC are never accepted
   * (with HMAC, anyone holding the published key could sign).
   */
  public static final List<String> ALGORITHMS =
      List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA");

  /** Tokens longer than this are malformed: a real token is a few hundred bytes. */
  public static final int MAX_TOKEN_LENGTH = 8192;

  public JwtPolicy {
    audiences = List.copyOf(audiences);
  }

  /** Whether the JWKS is in the document (the agent's form) rather than referenced (the spec's). */
  public boolean resolved() {
    return jwks != null;
  }

  /** The same rules with the JWKS the operator read from {@code jwksConfigMapRef}. */
  public JwtPolicy withJwks(String canonicalJwks) {
    return new JwtPolicy(header, claim, issuer, audiences, canonicalJwks, null, clockSkewSeconds);
  }
}
