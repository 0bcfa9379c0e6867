package dev.ratelimiter.policy;

import static dev.ratelimiter.policy.JsonFields.checkKnown;
import static dev.ratelimiter.policy.JsonFields.enumValue;
import static dev.ratelimiter.policy.JsonFields.integer;
import static dev.ratelimiter.policy.JsonFields.kind;
import static dev.ratelimiter.policy.JsonFields.required;
import static dev.ratelimiter.policy.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The parts of a policy document that say who a client is and what it pays for: {@code clientKey}
 * (with its {@code jwt}), {@code plan} and {@code exemptPlans}.
 */
final class ClientFields {

  private static final Set<String> CLIENT_KEY_FIELDS =
      Set.of(
          "source",
          "header",
          "missing",
          "jwt",
          "forwardedHeader",
          "trustedProxies",
          "ipv6PrefixLength");
  private static final Set<String> JWT_AGENT_FIELDS =
      Set.of("header", "claim", "issuer", "audiences", "jwks", "clockSkewSeconds");
  private static final Set<String> JWT_SPEC_FIELDS =
      Set.of("header", "claim", "issuer", "audiences", "jwksConfigMapRef", "clockSkewSeconds");
  private static final Set<String> REF_FIELDS = Set.of("name", "key");
  private static final Set<String> PLAN_FIELDS = Set.of("from", "default");
  private static final Set<String> PLAN_FROM_FIELDS = Set.of("header", "claim");
  private static final Pattern CLAIM = Pattern.compile(JwtPolicy.CLAIM_PATTERN);
  private static final Pattern CONFIG_MAP_NAME =
      Pattern.compile("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$");
  private static final Pattern CONFIG_MAP_KEY = Pattern.compile("^[-._a-zA-Z0-9]{1,253}$");

  private ClientFields() {}

  /**
   * @param spec the RateLimitPolicy spec's form: {@code jwt.jwksConfigMapRef}, read by the
   *     operator; else the agent's: {@code jwt.jwks} itself
   */
  static ClientKeyPolicy clientKey(JsonNode node, boolean spec) throws InvalidPolicyException {
    if (!node.isObject()) {
      throw new InvalidPolicyException("clientKey", "must be a mapping, not " + kind(node));
    }
    checkKnown(node, "clientKey.", CLIENT_KEY_FIELDS);
    ClientKeySource source =
        node.has("source")
            ? enumValue(node.get("source"), "clientKey.source", ClientKeySource.class)
            : ClientKeySource.RemoteAddress;
    String header = null;
    JwtPolicy jwt = null;
    MissingHeader missing = MissingHeader.RemoteAddress;
    if (source == ClientKeySource.Header) {
      header = RequestFields.headerName(required(node, "header", "clientKey"), "clientKey.header");
    } else if (node.has("header")) {
      throw new InvalidPolicyException(
          "clientKey.header",
          "only with source: Header (with source: Jwt the token's header is jwt.header)");
    }
    if (source == ClientKeySource.Jwt) {
      jwt = jwt(required(node, "jwt", "clientKey"), spec);
    } else if (node.has("jwt")) {
      throw new InvalidPolicyException("clientKey.jwt", "only with source: Jwt");
    }
    if (node.has("missing")) {
      if (source == ClientKeySource.RemoteAddress) {
        throw new InvalidPolicyException(
            "clientKey.missing",
            "only with source: Header or Jwt (it says what a request without the header or token gets)");
      }
      missing = enumValue(node.get("missing"), "clientKey.missing", MissingHeader.class);
    }
    List<Cidr> proxies =
        node.has("trustedProxies")
            ? RequestFields.cidrs(
                node.get("trustedProxies"),
                "clientKey.trustedProxies",
                ClientKeyPolicy.MAX_TRUSTED_PROXIES,
                "would trust every address, so any client could pick its own key"
                    + " by sending a forwarding header; list the proxies' own addresses (never the whole network)")
            : List.of();
    int prefix =
        node.has("ipv6PrefixLength")
            ? (int)
                integer(
                    node.get("ipv6PrefixLength"),
                    "clientKey.ipv6PrefixLength",
                    ClientKeyPolicy.MIN_IPV6_PREFIX,
                    ClientKeyPolicy.MAX_IPV6_PREFIX)
            : ClientKeyPolicy.DEFAULT_IPV6_PREFIX;
    ForwardedHeader forwardedHeader =
        node.has("forwardedHeader")
            ? enumValue(
                node.get("forwardedHeader"), "clientKey.forwardedHeader", ForwardedHeader.class)
            : ForwardedHeader.XForwardedFor;
    return new ClientKeyPolicy(proxies, prefix, forwardedHeader, source, header, missing, jwt);
  }

  private static JwtPolicy jwt(JsonNode node, boolean spec) throws InvalidPolicyException {
    String at = "clientKey.jwt";
    if (!node.isObject()) {
      throw new InvalidPolicyException(at, "must be a mapping with issuer, not " + kind(node));
    }
    if (spec && node.has("jwks")) {
      throw new InvalidPolicyException(
          at + ".jwks",
          "a RateLimitPolicy names its JWKS with jwksConfigMapRef (a ConfigMap the operator reads and watches)");
    }
    if (!spec && node.has("jwksConfigMapRef")) {
      throw new InvalidPolicyException(
          at + ".jwksConfigMapRef",
          "is read by the operator, which puts the JWKS itself into the agents' document as jwt.jwks;"
              + " give jwks here (a JWKS object {keys: [...]})");
    }
    checkKnown(node, at + ".", spec ? JWT_SPEC_FIELDS : JWT_AGENT_FIELDS);
    String header =
        node.has("header")
            ? RequestFields.headerName(node.get("header"), at + ".header")
            : JwtPolicy.DEFAULT_HEADER;
    String claim =
        node.has("claim") ? claim(node.get("claim"), at + ".claim") : JwtPolicy.DEFAULT_CLAIM;
    String issuer = bounded(required(node, "issuer", at), at + ".issuer");
    List<String> audiences = new ArrayList<>();
    if (node.has("audiences")) {
      JsonNode list = node.get("audiences");
      if (!list.isArray() || list.isEmpty() || list.size() > JwtPolicy.MAX_AUDIENCES) {
        throw new InvalidPolicyException(
            at + ".audiences", "must be a list of 1 to " + JwtPolicy.MAX_AUDIENCES + " audiences");
      }
      for (int i = 0; i < list.size(); i++) {
        audiences.add(bounded(list.get(i), at + ".audiences[" + i + "]"));
      }
    }
    int skew =
        node.has("clockSkewSeconds")
            ? (int)
                integer(
                    node.get("clockSkewSeconds"),
                    at + ".clockSkewSeconds",
                    0,
                    JwtPolicy.MAX_CLOCK_SKEW_SECONDS)
            : JwtPolicy.DEFAULT_CLOCK_SKEW_SECONDS;
    String jwks = null;
    JwtPolicy.ConfigMapKeyRef ref = null;
    if (spec) {
      ref = configMapRef(required(node, "jwksConfigMapRef", at), at + ".jwksConfigMapRef");
    } else {
      jwks = Jwks.canonical(required(node, "jwks", at), at + ".jwks");
    }
    return new JwtPolicy(header, claim, issuer, audiences, jwks, ref, skew);
  }

  private static JwtPolicy.ConfigMapKeyRef configMapRef(JsonNode node, String at)
      throws InvalidPolicyException {
    if (!node.isObject()) {
      throw new InvalidPolicyException(at, "must be a mapping {name, key}, not " + kind(node));
    }
    checkKnown(node, at + ".", REF_FIELDS);
    String name = text(required(node, "name", at), at + ".name");
    if (!CONFIG_MAP_NAME.matcher(name).matches()) {
      throw new InvalidPolicyException(at + ".name", "'" + name + "' is not a ConfigMap name");
    }
    String key = text(required(node, "key", at), at + ".key");
    if (!CONFIG_MAP_KEY.matcher(key).matches()) {
      throw new InvalidPolicyException(at + ".key", "'" + key + "' is not a ConfigMap key");
    }
    return new JwtPolicy.ConfigMapKeyRef(name, key);
  }

  /** {@code plan}; null when absent. */
  static PlanPolicy plan(JsonNode node, ClientKeyPolicy clientKey) throws InvalidPolicyException {
    if (!node.isObject()) {
      throw new InvalidPolicyException(
          "plan", "must be a mapping with from and default, not " + kind(node));
    }
    checkKnown(node, "plan.", PLAN_FIELDS);
    JsonNode from = required(node, "from", "plan");
    if (!from.isObject()) {
      throw new InvalidPolicyException(
          "plan.from", "must be {header: <name>} or {claim: <name>}, not " + kind(from));
    }
    checkKnown(from, "plan.from.", PLAN_FROM_FIELDS);
    if (from.has("header") == from.has("claim")) {
      throw new InvalidPolicyException(
          "plan.from",
          "must name exactly one of header (from trusted proxies) and claim (of the verified token)");
    }
    String header = null;
    String claim = null;
    if (from.has("header")) {
      header = RequestFields.headerName(from.get("header"), "plan.from.header");
    } else {
      if (!clientKey.byJwt()) {
        throw new InvalidPolicyException(
            "plan.from.claim", "only with clientKey.source: Jwt (a claim of the verified token)");
      }
      claim = claim(from.get("claim"), "plan.from.claim");
    }
    String defaultPlan =
        node.has("default")
            ? planName(node.get("default"), "plan.default")
            : PlanPolicy.DEFAULT_PLAN;
    return new PlanPolicy(header, claim, defaultPlan, Set.of());
  }

  /** A list of plan names ({@code exemptPlans}, {@code match.plans}). */
  static List<String> plans(JsonNode node, String at) throws InvalidPolicyException {
    if (!node.isArray() || node.isEmpty() || node.size() > PlanPolicy.MAX_PLANS) {
      throw new InvalidPolicyException(
          at, "must be a list of 1 to " + PlanPolicy.MAX_PLANS + " plan names");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      out.add(planName(node.get(i), at + "[" + i + "]"));
    }
    return out;
  }

  private static String planName(JsonNode node, String at) throws InvalidPolicyException {
    String name = text(node, at);
    if (!PlanPolicy.isPlanName(name)) {
      throw new InvalidPolicyException(
          at,
          "'"
              + name
              + "' is not a plan name (a DNS label: lower-case letters, digits and '-', at most "
              + Limit.NAME_MAX_LENGTH
              + ")");
    }
    return name;
  }

  private static String claim(JsonNode node, String at) throws InvalidPolicyException {
    String claim = text(node, at);
    if (!CLAIM.matcher(claim).matches()) {
      throw new InvalidPolicyException(
          at,
          "'" + claim + "' is not a claim name (letters, digits, '_', '-', '.', ':', at most 64)");
    }
    return claim;
  }

  private static String bounded(JsonNode node, String at) throws InvalidPolicyException {
    String value = text(node, at);
    if (value.isEmpty() || value.length() > JwtPolicy.MAX_TEXT_LENGTH) {
      throw new InvalidPolicyException(
          at, "must hold 1 to " + JwtPolicy.MAX_TEXT_LENGTH + " characters");
    }
    return value;
  }
}
