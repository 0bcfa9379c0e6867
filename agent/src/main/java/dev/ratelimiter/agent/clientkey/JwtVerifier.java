package dev.ratelimiter.agent.clientkey;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import dev.ratelimiter.policy.Jwks;
import dev.ratelimiter.policy.JwtPolicy;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * Verifies bearer tokens against one policy's {@code clientKey.jwt}: parse, algorithm (asymmetric
 * only, {@link JwtPolicy#ALGORITHMS}), key (by {@code kid}, of the algorithm's type), signature,
 * {@code iss}, {@code aud}, {@code exp} (required) and {@code nbf} with the policy's clock skew,
 * and the claims that name the client and its plan. Each check that fails is an {@link
 * InvalidToken} naming it. Stateless and thread-safe: the keys' verifiers are built once, from the
 * policy's JWKS.
 */
public final class JwtVerifier {

  /** What a valid token says. */
  public record Verified(String client, String plan, long notBeforeMillis, long expiresMillis) {}

  private record Key(JWK jwk, JWSVerifier verifier) {}

  private final JwtPolicy policy;
  private final String planClaim;
  private final List<Key> keys = new ArrayList<>();

  /**
   * @param planClaim the claim that names the client's plan ({@code plan.from.claim}), or null
   */
  public JwtVerifier(JwtPolicy policy, String planClaim) {
    this.policy = policy;
    this.planClaim = planClaim;
    for (JWK jwk : Jwks.parse(policy.jwks()).getKeys()) {
      keys.add(new Key(jwk, verifierOf(jwk)));
    }
  }

  public JwtPolicy policy() {
    return policy;
  }

  /** The claim read as the client's plan, or null. */
  public String planClaim() {
    return planClaim;
  }

  public Verified verify(String token, long nowMillis) throws InvalidToken {
    if (token.length() > JwtPolicy.MAX_TOKEN_LENGTH) {
      throw new InvalidToken(
          InvalidToken.MALFORMED,
          "the token is longer than " + JwtPolicy.MAX_TOKEN_LENGTH + " characters");
    }
    JWT jwt;
    try {
      jwt = JWTParser.parse(token);
    } catch (ParseException e) {
      throw new InvalidToken(InvalidToken.MALFORMED, "the token is not a JWT");
    }
    if (!(jwt instanceof SignedJWT signed)) {
      throw new InvalidToken(
          InvalidToken.ALGORITHM,
          "the token is not signed (alg none) or is encrypted; only signed tokens name a client");
    }
    JWSHeader header = signed.getHeader();
    JWSAlgorithm alg = header.getAlgorithm();
    if (!JwtPolicy.ALGORITHMS.contains(alg.getName())) {
      throw new InvalidToken(
          InvalidToken.ALGORITHM,
          "alg " + alg.getName() + " is not accepted; one of " + JwtPolicy.ALGORITHMS);
    }
    List<Key> candidates = candidates(header);
    if (candidates.isEmpty()) {
      throw new InvalidToken(
          InvalidToken.UNKNOWN_KEY,
          header.getKeyID() == null
              ? "no key of the JWKS verifies " + alg.getName()
              : "no key with this kid for " + alg.getName() + " in the JWKS");
    }
    JWTClaimsSet claims;
    try {
      claims = signed.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new InvalidToken(InvalidToken.MALFORMED, "the token's claims are not a JSON object");
    }
    // the claims first: they cost microseconds, a signature check up to a millisecond (ES256), so
    // junk tokens are refused before the expensive step; nothing is believed until it has passed
    Verified verified = checkClaims(claims, nowMillis);
    if (!verifies(signed, candidates)) {
      throw new InvalidToken(InvalidToken.SIGNATURE, "the signature does not verify");
    }
    return verified;
  }

  private Verified checkClaims(JWTClaimsSet claims, long nowMillis) throws InvalidToken {
    if (!policy.issuer().equals(claims.getIssuer())) {
      throw new InvalidToken(InvalidToken.ISSUER, "iss is not the policy's issuer");
    }
    if (!policy.audiences().isEmpty()
        && (claims.getAudience() == null
            || claims.getAudience().stream().noneMatch(policy.audiences()::contains))) {
      throw new InvalidToken(InvalidToken.AUDIENCE, "aud holds none of the policy's audiences");
    }
    long skew = policy.clockSkewSeconds() * 1000L;
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      throw new InvalidToken(InvalidToken.EXPIRED, "the token has no exp; tokens must expire");
    }
    if (nowMillis > exp.getTime() + skew) {
      throw new InvalidToken(InvalidToken.EXPIRED, "the token has expired");
    }
    Date nbf = claims.getNotBeforeTime();
    long notBefore = nbf == null ? Long.MIN_VALUE : nbf.getTime() - skew;
    if (nowMillis < notBefore) {
      throw new InvalidToken(InvalidToken.NOT_YET_VALID, "the token is not valid yet (nbf)");
    }
    String client = text(claims.getClaim(policy.claim()));
    if (client == null) {
      throw new InvalidToken(
          InvalidToken.CLAIM, "the token has no usable " + policy.claim() + " claim");
    }
    String plan = planClaim == null ? null : text(claims.getClaim(planClaim));
    return new Verified(client, plan, notBefore, exp.getTime() + skew);
  }

  /** A claim as text: a string or a number, of at most 1024 characters; else null. */
  private static String text(Object claim) {
    String value = claim instanceof String s ? s : claim instanceof Number n ? n.toString() : null;
    return value == null || value.isEmpty() || value.length() > 1024 ? null : value;
  }

  private List<Key> candidates(JWSHeader header) {
    List<Key> out = new ArrayList<>();
    String kid = header.getKeyID();
    for (Key key : keys) {
      if (kid != null && !kid.equals(key.jwk().getKeyID())) {
        continue;
      }
      if (key.jwk().getAlgorithm() != null
          && !key.jwk().getAlgorithm().getName().equals(header.getAlgorithm().getName())) {
        continue;
      }
      if (key.verifier().supportedJWSAlgorithms().contains(header.getAlgorithm())) {
        out.add(key);
      }
    }
    return out;
  }

  private static boolean verifies(SignedJWT signed, List<Key> candidates) {
    for (Key key : candidates) {
      try {
        if (signed.verify(key.verifier())) {
          return true;
        }
      } catch (JOSEException | IllegalStateException e) {
        // a signature of the wrong shape for this key: it does not verify with it
      }
    }
    return false;
  }

  private static JWSVerifier verifierOf(JWK jwk) {
    try {
      if (jwk instanceof RSAKey rsa) {
        return new RSASSAVerifier(rsa);
      }
      if (jwk instanceof ECKey ec) {
        return new ECDSAVerifier(ec);
      }
      if (jwk instanceof OctetKeyPair okp) {
        return new Ed25519JdkVerifier(okp);
      }
    } catch (JOSEException e) {
      throw new IllegalArgumentException("a key of the JWKS cannot verify: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException("a " + jwk.getKeyType() + " key cannot verify tokens");
  }
}
