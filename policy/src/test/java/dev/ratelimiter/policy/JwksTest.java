package dev.ratelimiter.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The JWKS rules: public signature keys only, in one canonical text")
class JwksTest {

  static JWK rsa;
  static JWK ec;

  @BeforeAll
  static void keys() throws Exception {
    rsa = new RSAKeyGenerator(2048).keyID("r1").generate();
    ec = new ECKeyGenerator(Curve.P_256).keyID("e1").generate();
  }

  static String set(JWK... keys) {
    return new JWKSet(List.of(keys)).toString(false);
  }

  @Test
  @DisplayName("accept public RSA and EC keys, and give the same text however the JWKS was written")
  void canonical() throws Exception {
    String a = Jwks.canonical(set(rsa.toPublicJWK(), ec.toPublicJWK()), "jwks");
    String reordered =
        "{\"keys\":["
            + new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(rsa.toPublicJWK().toJSONString())
                .toPrettyString()
            + ","
            + ec.toPublicJWK().toJSONString()
            + "]}";
    assertThat(Jwks.canonical(reordered, "jwks")).isEqualTo(a);
    assertThat(Jwks.parse(a).getKeys()).extracting(JWK::getKeyID).containsExactly("r1", "e1");
  }

  @Test
  @DisplayName("refuse private parts, symmetric keys, short RSA keys, duplicate kids and no keys")
  void refusals() throws Exception {
    assertThatThrownBy(() -> Jwks.canonical(set(rsa), "jwks"))
        .hasMessageStartingWith("jwks.keys[0]: holds private key parts");
    assertThatThrownBy(
            () ->
                Jwks.canonical(
                    set(new OctetSequenceKeyGenerator(256).keyID("h").generate()), "jwks"))
        .hasMessageStartingWith("jwks.keys[0]: is a oct key");
    assertThatThrownBy(
            () ->
                Jwks.canonical(
                    set(new RSAKeyGenerator(1024, true).generate().toPublicJWK()), "jwks"))
        .hasMessageStartingWith("jwks.keys[0]: is an RSA key of 1024 bits");
    assertThatThrownBy(() -> Jwks.canonical(set(ec.toPublicJWK(), ec.toPublicJWK()), "jwks"))
        .hasMessageStartingWith("jwks.keys[1]: kid 'e1' is used by another key");
    assertThatThrownBy(() -> Jwks.canonical("{\"keys\":[]}", "jwks"))
        .hasMessage("jwks: must hold 1 to 32 keys, not 0");
    assertThatThrownBy(() -> Jwks.canonical("not json", "jwks"))
        .hasMessageStartingWith("jwks: is not a JWKS");
  }

  @Test
  @DisplayName(
      "read an agent document with jwt.jwks inline, render it back, and refuse jwksConfigMapRef there (the operator's)")
  void agentDocument() throws Exception {
    String doc =
        "clientKey: {source: Jwt, jwt: {issuer: https://auth.example.com, jwks: "
            + set(ec.toPublicJWK())
            + "}}";
    Policy policy = PolicyParser.parse(doc);
    assertThat(policy.clientKey().jwt().resolved()).isTrue();
    assertThat(policy.clientKey().jwt().claim()).isEqualTo("sub");
    assertThat(PolicyParser.parse(PolicyDocument.toYaml(policy))).isEqualTo(policy);
    assertThatThrownBy(
            () ->
                PolicyParser.parse(
                    "clientKey: {source: Jwt, jwt: {issuer: x, jwksConfigMapRef: {name: a, key: b}}}"))
        .hasMessageStartingWith(
            "clientKey.jwt.jwksConfigMapRef: is read by the operator, which puts the JWKS itself");
    assertThatThrownBy(
            () ->
                PolicyParser.parse(
                    "clientKey: {source: Jwt, jwt: {issuer: x, jwks: " + set(rsa) + "}}"))
        .hasMessageStartingWith("clientKey.jwt.jwks.keys[0]: holds private key parts");
  }
}
