package dev.ratelimiter.operator.spec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.policy.InvalidPolicyException;
import dev.ratelimiter.policy.Policy;
import dev.ratelimiter.policy.PolicyDocument;
import dev.ratelimiter.policy.PolicyParser;

/**
 * The policy part of a spec as the agent's policy document: the spec's {@code limits}, {@code
 * clientKey}, {@code exempt}, {@code mode} and {@code failurePolicy} exactly as stored, plus {@code
 * policy}, {@code generation} and {@code agents}, read by the shared {@link PolicyParser}. So the
 * operator judges a spec by the agent's rules, and writes (to ConfigMap {@code <name>-agent-policy}
 * and every push) the document the shared {@link PolicyDocument} renders, which the agent reads
 * back to the same policy.
 */
public final class SpecDocument {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SpecDocument() {}

  /** The spec's policy fields as a document; {@code id} null leaves {@code policy} out. */
  static ObjectNode tree(RateLimitPolicySpec spec, String id, Long generation) {
    ObjectNode doc = JSON.createObjectNode();
    if (id != null) {
      doc.put("policy", id);
    }
    if (generation != null) {
      doc.put("generation", generation);
    }
    if (spec != null) {
      if (spec.getLimits() != null) {
        doc.set("limits", JSON.valueToTree(spec.getLimits()));
      }
      if (spec.getClientKey() != null) {
        doc.set("clientKey", JSON.valueToTree(spec.getClientKey()));
      }
      if (spec.getPlan() != null) {
        doc.set("plan", JSON.valueToTree(spec.getPlan()));
      }
      if (spec.getExemptPlans() != null) {
        doc.set("exemptPlans", JSON.valueToTree(spec.getExemptPlans()));
      }
      if (spec.getExempt() != null) {
        doc.set("exempt", JSON.valueToTree(spec.getExempt()));
      }
      if (spec.getMode() != null) {
        doc.put("mode", spec.getMode());
      }
      if (spec.getFailurePolicy() != null) {
        doc.put("failurePolicy", spec.getFailurePolicy());
      }
    }
    return doc;
  }

  /**
   * The spec judged by the shared rules; the exception names the document field (no {@code spec.}).
   */
  static Policy policy(RateLimitPolicySpec spec) throws InvalidPolicyException {
    return PolicyParser.parseSpec(tree(spec, null, null));
  }

  /**
   * The policy document for the agents of a valid policy, as if one agent ran alone (the
   * ConfigMap's).
   */
  public static String yaml(RateLimitPolicy p, String jwks) {
    return yaml(p, 1, jwks);
  }

  /** The document of a policy without a JWKS reference, as if one agent ran alone. */
  public static String yaml(RateLimitPolicy p) {
    return yaml(p, 1, null);
  }

  /** The document of a policy without a JWKS reference, for {@code agents}. */
  public static String yaml(RateLimitPolicy p, int agents) {
    return yaml(p, agents, null);
  }

  /**
   * The policy document for the agents of a valid policy, with {@code agents}: how many ready agent
   * pods share its limits (failurePolicy Local divides each limit by it while the store is away).
   * It is not part of the spec, so it changes the pushed document without a new generation; nor is
   * {@code jwks}, the canonical JWKS the operator read from {@code clientKey.jwt.jwksConfigMapRef}
   * (null without one), which takes the reference's place, so that a key rotation reaches the
   * agents as a push of the same generation.
   */
  public static String yaml(RateLimitPolicy p, int agents, String jwks) {
    return yaml(p, agents, jwks, null);
  }

  /**
   * The same with {@code overrides}, the active RateLimitOverrides ({@link OverrideAccess}), which
   * like the JWKS change the pushed document without a new generation; null or empty: none.
   */
  public static String yaml(
      RateLimitPolicy p,
      int agents,
      String jwks,
      com.fasterxml.jackson.databind.JsonNode overrides) {
    Long generation = p.getMetadata().getGeneration();
    try {
      ObjectNode doc = tree(p.getSpec(), Names.policyId(p), generation == null ? 0L : generation);
      if (doc.path("clientKey").path("jwt").isObject()) {
        ObjectNode jwt = (ObjectNode) doc.get("clientKey").get("jwt");
        if (jwks == null) {
          // the reconciler renders only policies whose JWKS JwksAccess read and judged
          throw new IllegalStateException("a JWT policy rendered without its JWKS");
        }
        jwt.remove("jwksConfigMapRef");
        jwt.set("jwks", JSON.readTree(jwks));
      }
      doc.put("agents", Math.max(1, Math.min(Policy.MAX_AGENTS, agents)));
      if (overrides != null && !overrides.isEmpty()) {
        doc.set("overrides", overrides);
      }
      return PolicyDocument.toYaml(PolicyParser.parse(doc));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a canonical JWKS is JSON", e);
    } catch (InvalidPolicyException e) {
      // the reconciler renders only specs PolicyValidator accepted
      throw new IllegalStateException("invalid policy rendered: " + e.getMessage(), e);
    }
  }
}
