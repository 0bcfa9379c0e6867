package dev.ratelimiter.testsupport.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * An issuer for tests: RSA, EC and Ed25519 keys, their public JWKS, and tokens signed by them, well
 * formed or broken in one named way each (for the agent's {@code clientKey.source: Jwt}).
 */
public final class TestTokens {

  public static final String ISSUER = "https://auth.test.example";
  public static final String AUDIENCE = "shop-api";

  public final RSAKey rsa;
  public final ECKey ec;
  private final KeyPair ed25519;
  public final OctetKeyPair ed25519Public;

  public TestTokens(String prefix) {
    try {
      rsa = new RSAKeyGenerator(2048).keyID(prefix + "-rsa").generate();
      ec = new ECKeyGenerator(Curve.P_256).keyID(prefix + "-ec").generate();
      ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      byte[] der = ed25519.getPublic().getEncoded();
      byte[] x = Arrays.copyOfRange(der, der.length - 32, der.length);
      ed25519Public =
          new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x))
              .keyID(prefix + "-ed")
              .build();
    } catch (JOSEException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public JWKS of the given keys, as JSON. */
  public static String jwks(JWK... keys) {
    return new JWKSet(Arrays.stream(keys).map(JWK::toPublicJWK).toList()).toString(true);
  }

  /** The public JWKS of all three keys. */
  public String jwks() {
    return jwks(rsa, ec, ed25519Public);
  }

  /** Valid claims for {@code sub}, expiring in ten minutes, for {@link #AUDIENCE}. */
  public static JWTClaimsSet.Builder claims(String sub) {
    long now = System.currentTimeMillis();
    return new JWTClaimsSet.Builder()
        .subject(sub)
        .issuer(ISSUER)
        .audience(List.of(AUDIENCE))
        .issueTime(new Date(now))
        .expirationTime(new Date(now + 600_000));
  }

  public String rs256(JWTClaimsSet claims) {
    return sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID()).build(), claims);
  }

  public String es256(JWTClaimsSet claims) {
    return sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ec.getKeyID()).build(), claims);
  }

  private String sign(JWSHeader header, JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(header, claims);
      jwt.sign(
          header.getAlgorithm() == JWSAlgorithm.ES256
              ? new ECDSASigner(ec)
              : new RSASSASigner(rsa));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** EdDSA with the JDK's Ed25519 (nimbus's own signer needs Tink). */
  public String edDsa(JWTClaimsSet claims) {
    try {
      String header =
          Base64URL.encode("{\"alg\":\"EdDSA\",\"kid\":\"" + ed25519Public.getKeyID() + "\"}")
              .toString();
      String payload = Base64URL.encode(claims.toString()).toString();
      Signature signer = Signature.getInstance("Ed25519");
      signer.initSign(ed25519.getPrivate());
      signer.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
      return header + "." + payload + "." + Base64URL.encode(signer.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An unsecured token ({@code alg: none}). */
  public static String unsigned(JWTClaimsSet claims) {
    return new PlainJWT(claims).serialize();
  }

  /**
   * HS256 keyed with the RSA public key's JSON: the classic algorithm-confusion forgery, which a
   * verifier that lets the token pick the algorithm accepts.
   */
  public String hmacWithPublicKey(JWTClaimsSet claims) {
    try {
      byte[] secret = rsa.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(rsa.getKeyID()).build(), claims);
      jwt.sign(new MACSigner(secret));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The token's payload replaced by {@code claims}, the signature kept: a forged claim. */
  public static String withPayload(String token, JWTClaimsSet claims) {
    String[] parts = token.split("\\.");
    return parts[0] + "." + Base64URL.encode(claims.toString()) + "." + parts[2];
  }

  /** A claims map, for claims this class has no builder method for. */
  public static JWTClaimsSet with(JWTClaimsSet.Builder builder, Map<String, Object> extra) {
    extra.forEach(builder::claim);
    return builder.build();
  }
}
