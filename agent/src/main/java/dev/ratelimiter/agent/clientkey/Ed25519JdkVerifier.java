package dev.ratelimiter.agent.clientkey;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.impl.CriticalHeaderParamsDeferral;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Set;

/**
 * EdDSA (Ed25519) signature verification with the JDK's own Ed25519 (Java 15+). nimbus-jose-jwt's
 * {@code Ed25519Verifier} needs Google Tink, a large optional dependency; the JDK does the same
 * verification, and nimbus still parses the key, the header and the token.
 */
final class Ed25519JdkVerifier implements JWSVerifier {

  /** The DER of an Ed25519 SubjectPublicKeyInfo up to the 32 key bytes (RFC 8410). */
  private static final byte[] X509_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  private final PublicKey key;
  private final CriticalHeaderParamsDeferral critical = new CriticalHeaderParamsDeferral();
  private final JCAContext jca = new JCAContext();

  Ed25519JdkVerifier(OctetKeyPair okp) throws JOSEException {
    byte[] x = okp.getDecodedX();
    if (x.length != 32) {
      throw new JOSEException("an Ed25519 key has 32 bytes");
    }
    byte[] der = new byte[X509_PREFIX.length + x.length];
    System.arraycopy(X509_PREFIX, 0, der, 0, X509_PREFIX.length);
    System.arraycopy(x, 0, der, X509_PREFIX.length, x.length);
    try {
      key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new JOSEException("not an Ed25519 public key: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature)
      throws JOSEException {
    if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm()) || !critical.headerPasses(header)) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(key);
      verifier.update(signingInput);
      return verifier.verify(signature.decode());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  @Override
  public Set<JWSAlgorithm> supportedJWSAlgorithms() {
    return Set.of(JWSAlgorithm.EdDSA);
  }

  @Override
  public JCAContext getJCAContext() {
    return jca;
  }
}
