package dev.ratelimiter.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a policy as the document {@link PolicyParser} reads: every field, defaults applied, in a
 * fixed order. The operator renders its ConfigMap and pushes with this; the agent answers {@code
 * GET /admin/policy} with it. {@code PolicyParser.parse(toYaml(p))} is {@code p}.
 */
public final class PolicyDocument {

  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              // a limit named "0" must stay a string, not become the number 0
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              .build());

  private PolicyDocument() {}

  /** The document as nested maps and lists, in document order. */
  public static Map<String, Object> toMap(Policy policy) {
    List<Map<String, Object>> limits = policy.limits().stream().map(PolicyDocument::limit).toList();
    Map<String, Object> clientKey = new LinkedHashMap<>();
    clientKey.put("source", policy.clientKey().source().name());
    if (policy.clientKey().byHeader()) {
      clientKey.put("header", policy.clientKey().header());
    }
    if (policy.clientKey().byJwt()) {
      clientKey.put("jwt", jwt(policy.clientKey().jwt()));
    }
    if (policy.clientKey().source() != ClientKeySource.RemoteAddress) {
      clientKey.put("missing", policy.clientKey().missing().name());
    }
    clientKey.put("forwardedHeader", policy.clientKey().forwardedHeader().name());
    clientKey.put(
        "trustedProxies",
        policy.clientKey().trustedProxies().stream().map(Cidr::toString).toList());
    clientKey.put("ipv6PrefixLength", policy.clientKey().ipv6PrefixLength());
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("policy", policy.id());
    document.put("generation", policy.generation());
    document.put("limits", limits);
    document.put("clientKey", clientKey);
    document.put("failurePolicy", policy.failurePolicy().name());
    document.put("exempt", policy.exempt().stream().map(Cidr::toString).toList());
    document.put("mode", policy.mode().name());
    document.put("agents", policy.agents());
    if (policy.plan() != null) {
      Map<String, Object> plan = new LinkedHashMap<>();
      plan.put(
          "from",
          policy.plan().header() != null
              ? Map.of("header", policy.plan().header())
              : Map.of("claim", policy.plan().claim()));
      plan.put("default", policy.plan().defaultPlan());
      document.put("plan", plan);
    }
    if (!policy.exemptPlans().isEmpty()) {
      document.put("exemptPlans", policy.exemptPlans());
    }
    if (!policy.overrides().isEmpty()) {
      document.put(
          "overrides", policy.overrides().all().stream().map(o -> override(policy, o)).toList());
    }
    return document;
  }

  private static Map<String, Object> override(Policy policy, QuotaOverride o) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", o.name());
    out.put("clients", o.clients().stream().sorted().toList());
    out.put(
        "limits",
        o.limits().entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .map(
                e -> {
                  Map<String, Object> quota = new LinkedHashMap<>();
                  quota.put("name", e.getKey());
                  quota.put("requests", e.getValue().requests());
                  boolean bucket =
                      policy.limits().stream()
                          .anyMatch(
                              l ->
                                  l.name().equals(e.getKey())
                                      && l.algorithm() == Algorithm.TokenBucket);
                  if (bucket) {
                    quota.put("burst", e.getValue().burst());
                  }
                  return quota;
                })
            .toList());
    out.put("expires", java.time.Instant.ofEpochMilli(o.expiresAtMillis()).toString());
    return out;
  }

  public static String toYaml(Policy policy) {
    try {
      return YAML.writeValueAsString(toMap(policy));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Object> jwt(JwtPolicy jwt) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("header", jwt.header());
    out.put("claim", jwt.claim());
    out.put("issuer", jwt.issuer());
    if (!jwt.audiences().isEmpty()) {
      out.put("audiences", jwt.audiences());
    }
    if (jwt.resolved()) {
      out.put("jwks", Jwks.tree(jwt.jwks()));
    } else {
      Map<String, Object> ref = new LinkedHashMap<>();
      ref.put("name", jwt.jwksConfigMapRef().name());
      ref.put("key", jwt.jwksConfigMapRef().key());
      out.put("jwksConfigMapRef", ref);
    }
    out.put("clockSkewSeconds", jwt.clockSkewSeconds());
    return out;
  }

  private static Map<String, Object> limit(Limit limit) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", limit.name());
    out.put("requests", limit.requests());
    out.put("window", limit.windowText());
    out.put("algorithm", limit.algorithm().name());
    if (limit.algorithm() == Algorithm.TokenBucket) {
      out.put("burst", limit.burst());
    }
    if (limit.match() != null) {
      Map<String, Object> match = new LinkedHashMap<>();
      if (!limit.match().pathPrefixes().isEmpty()) {
        match.put("pathPrefixes", limit.match().pathPrefixes());
      }
      if (!limit.match().methods().isEmpty()) {
        match.put("methods", limit.match().methods());
      }
      if (limit.match().caseInsensitive()) {
        match.put("caseInsensitive", true);
      }
      if (!limit.match().plans().isEmpty()) {
        match.put("plans", limit.match().plans());
      }
      if (!limit.match().headers().isEmpty()) {
        match.put(
            "headers",
            limit.match().headers().stream()
                .map(
                    h -> {
                      Map<String, Object> header = new LinkedHashMap<>();
                      header.put("name", h.name());
                      if (!h.values().isEmpty()) {
                        header.put("values", h.values());
                      }
                      return header;
                    })
                .toList());
      }
      out.put("match", match);
    }
    if (limit.cost() != null) {
      Map<String, Object> cost = new LinkedHashMap<>();
      cost.put("usage", limit.cost().usage().name());
      cost.put("reserve", limit.cost().reserve());
      if (limit.cost().header() != null) {
        cost.put("header", limit.cost().header());
      }
      out.put("cost", cost);
    }
    return out;
  }
}
