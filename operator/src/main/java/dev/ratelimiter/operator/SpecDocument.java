package dev.ratelimiter.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.policy.InvalidPolicyException;
import dev.ratelimiter.policy.Policy;
import dev.ratelimiter.policy.PolicyDocument;
import dev.ratelimiter.policy.PolicyParser;

/**
 * The policy part of a spec as the agent's policy document: the spec's {@code limits},
 * {@code clientKey} and {@code failurePolicy} exactly as stored, plus {@code policy} and
 * {@code generation}, read by the shared {@link PolicyParser}. So the operator judges a spec by the
 * agent's rules, and writes (to ConfigMap {@code <name>-agent-policy} and every push) the document
 * the shared {@link PolicyDocument} renders, which the agent reads back to the same policy.
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
      if (spec.getFailurePolicy() != null) {
        doc.put("failurePolicy", spec.getFailurePolicy());
      }
    }
    return doc;
  }

  /** The spec judged by the shared rules; the exception names the document field (no {@code spec.}). */
  static Policy policy(RateLimitPolicySpec spec) throws InvalidPolicyException {
    return PolicyParser.parse(tree(spec, null, null));
  }

  /** The policy document for the agents of a valid policy. */
  public static String yaml(RateLimitPolicy p) {
    Long generation = p.getMetadata().getGeneration();
    try {
      return PolicyDocument.toYaml(PolicyParser.parse(tree(p.getSpec(), Names.policyId(p), generation == null ? 0L : generation)));
    } catch (InvalidPolicyException e) {
      // the reconciler renders only specs PolicyValidator accepted
      throw new IllegalStateException("invalid policy rendered: " + e.getMessage(), e);
    }
  }
}
