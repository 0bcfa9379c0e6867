import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;

/**
 * Mints tokens for bench/jwt.sh: writes the public JWKS (an EC P-256 and an RSA 2048 key) and N
 * ES256 and N RS256 tokens (tokens-ES256.txt, tokens-RS256.txt; one per line, distinct subjects,
 * valid for an hour). Run with the agent jar on the class path, which carries nimbus:
 *   java -cp agent/target/agent.jar bench/TokenMint.java <out-dir> <count> <issuer>
 */
public class TokenMint {
  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    int count = Integer.parseInt(args[1]);
    String issuer = args[2];
    ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("bench-ec").generate();
    RSAKey rsa = new RSAKeyGenerator(2048).keyID("bench-rsa").generate();
    Files.writeString(
        out.resolve("jwks.json"),
        new JWKSet(java.util.List.of(ec.toPublicJWK(), rsa.toPublicJWK())).toString());
    mint(out, count, issuer, JWSAlgorithm.ES256, "bench-ec", new ECDSASigner(ec));
    mint(out, count, issuer, JWSAlgorithm.RS256, "bench-rsa", new RSASSASigner(rsa));
  }

  static void mint(Path out, int count, String issuer, JWSAlgorithm alg, String kid, JWSSigner signer)
      throws Exception {
    long now = System.currentTimeMillis();
    try (PrintWriter w =
        new PrintWriter(Files.newBufferedWriter(out.resolve("tokens-" + alg + ".txt")))) {
      for (int i = 0; i < count; i++) {
        JWTClaimsSet claims =
            new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject("client-" + i)
                .expirationTime(new Date(now + 3_600_000))
                .build();
        SignedJWT jwt =
            new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
        jwt.sign(signer);
        w.println(jwt.serialize());
      }
    }
  }
}
