package dev.ratelimiter.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules of a JWKS (RFC 7517) that verifies client tokens: 1 to {@value #MAX_KEYS} public
 * signature keys, each RSA of at least 2048 bits, EC on P-256 or P-384, or Ed25519; no private
 * parts (a JWKS is published, a private key in it is a leak), no symmetric key (with HMAC anyone
 * holding the published key could sign), distinct {@code kid}s. A JWKS that passes is kept in one
 * canonical JSON text (keys in order, members sorted), so that an unchanged JWKS is an unchanged
 * policy.
 */
public final class Jwks {

  public static final int MAX_KEYS = 32;
  public static final int MAX_BYTES = 64 * 1024;
  public static final int MIN_RSA_BITS = 2048;
  private static final Set<Curve> CURVES = Set.of(Curve.P_256, Curve.P_384, Curve.Ed25519);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private Jwks() {}

  /** A JWKS given as a document's object. */
  static String canonical(JsonNode node, String at) throws InvalidPolicyException {
    if (!node.isObject()) {
      throw new InvalidPolicyException(
          at, "must be a JWKS object {keys: [...]}, not " + JsonFields.kind(node));
    }
    return canonical(node.toString(), at);
  }

  /**
   * A JWKS given as JSON text (a ConfigMap's value).
   *
   * @param at the field to name in a refusal
   * @return its canonical text
   */
  public static String canonical(String json, String at) throws InvalidPolicyException {
    if (json == null || json.isBlank()) {
      throw new InvalidPolicyException(at, "is empty; it must be a JWKS {\"keys\": [...]}");
    }
    if (json.length() > MAX_BYTES) {
      throw new InvalidPolicyException(
          at, "is " + json.length() + " characters; a JWKS may have at most " + MAX_BYTES);
    }
    JWKSet set;
    try {
      set = JWKSet.parse(json);
    } catch (ParseException e) {
      throw new InvalidPolicyException(at, "is not a JWKS: " + e.getMessage());
    }
    List<JWK> keys = set.getKeys();
    if (keys.isEmpty() || keys.size() > MAX_KEYS) {
      throw new InvalidPolicyException(
          at, "must hold 1 to " + MAX_KEYS + " keys, not " + keys.size());
    }
    List<Map<String, Object>> out = new ArrayList<>();
    Set<String> kids = new HashSet<>();
    for (int i = 0; i < keys.size(); i++) {
      JWK key = keys.get(i);
      String where = at + ".keys[" + i + "]";
      check(key, where);
      if (key.getKeyID() != null && !kids.add(key.getKeyID())) {
        throw new InvalidPolicyException(
            where, "kid '" + key.getKeyID() + "' is used by another key; kids must be unique");
      }
      out.add(key.toPublicJWK().toJSONObject());
    }
    try {
      return JSON.writeValueAsString(Map.of("keys", out));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed JWKS always serialises", e);
    }
  }

  /** The keys of a canonical JWKS text, which {@link #canonical} has already judged. */
  public static JWKSet parse(String canonical) {
    try {
      return JWKSet.parse(canonical);
    } catch (ParseException e) {
      throw new IllegalArgumentException("not a canonical JWKS: " + e.getMessage(), e);
    }
  }

  /** The canonical text as a document's object. */
  static JsonNode tree(String canonical) {
    try {
      return JSON.readTree(canonical);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a canonical JWKS", e);
    }
  }

  private static void check(JWK key, String where) throws InvalidPolicyException {
    if (!(key instanceof RSAKey || key instanceof ECKey || key instanceof OctetKeyPair)) {
      throw new InvalidPolicyException(
          where,
          "is a "
              + key.getKeyType()
              + " key; only RSA, EC and OKP (Ed25519) public keys verify client tokens (a symmetric"
              + " key would let anyone who can read the JWKS sign tokens)");
    }
    if (key.isPrivate()) {
      throw new InvalidPolicyException(
          where,
          "holds private key parts; a JWKS for verification holds public keys only (rotate this key: it has been shared)");
    }
    if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
      throw new InvalidPolicyException(where, "has use '" + key.getKeyUse() + "', not 'sig'");
    }
    if (key.getAlgorithm() != null
        && !JwtPolicy.ALGORITHMS.contains(key.getAlgorithm().getName())) {
      throw new InvalidPolicyException(
          where,
          "has alg '"
              + key.getAlgorithm().getName()
              + "', not one of "
              + String.join(", ", JwtPolicy.ALGORITHMS));
    }
    if (key instanceof RSAKey rsa) {
      if (rsa.size() < MIN_RSA_BITS) {
        throw new InvalidPolicyException(
            where, "is an RSA key of " + rsa.size() + " bits; at least " + MIN_RSA_BITS);
      }
    } else if (key instanceof ECKey ec) {
      if (!CURVES.contains(ec.getCurve()) || Curve.Ed25519.equals(ec.getCurve())) {
        throw new InvalidPolicyException(
            where, "is an EC key on " + ec.getCurve() + "; P-256 or P-384");
      }
    } else if (key instanceof OctetKeyPair okp && !Curve.Ed25519.equals(okp.getCurve())) {
      throw new InvalidPolicyException(
          where, "is an OKP key on " + okp.getCurve() + "; Ed25519 only");
    }
  }
}
