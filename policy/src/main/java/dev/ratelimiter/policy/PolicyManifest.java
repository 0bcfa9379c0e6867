package dev.ratelimiter.policy;

import static dev.ratelimiter.policy.JsonFields.kind;
import static dev.ratelimiter.policy.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A whole {@code RateLimitPolicy} manifest, as in {@code deploy/examples/}, read as a policy
 * document: its {@code spec} is the policy, {@code <namespace>/<name>} its id and {@code
 * metadata.generation} (when given) its generation. The spec's {@code agent}, {@code backend} and
 * {@code redis} describe objects the operator creates; an agent run from a file leaves them aside
 * and says so, since its own settings ({@code BACKEND_URL}, {@code REDIS_URL}) take their place.
 */
public final class PolicyManifest {

  public static final String API_VERSION = "ratelimiter.dev/v1alpha1";
  public static final String KIND = "RateLimitPolicy";

  /** Spec fields that only the operator reads, with the agent setting that stands for each. */
  static final List<List<String>> OPERATOR_FIELDS =
      List.of(
          List.of("agent", "the agent's own process is the fleet"),
          List.of("backend", "BACKEND_URL"),
          List.of("redis", "REDIS_URL"));

  private static final Set<String> MANIFEST_FIELDS =
      Set.of("apiVersion", "kind", "metadata", "spec", "status");

  private PolicyManifest() {}

  /** A manifest's policy and what of the manifest the agent left aside. */
  public record Read(Policy policy, List<String> leftAside) {}

  /** True when the document looks like a Kubernetes object rather than a bare policy. */
  static boolean isManifest(JsonNode root) {
    return root.isObject() && (root.has("apiVersion") || root.has("kind"));
  }

  /** True for a top-level field of a bare policy that belongs to the manifest's spec only. */
  static String operatorField(String name) {
    for (List<String> field : OPERATOR_FIELDS) {
      if (field.get(0).equals(name)) {
        return "'"
            + name
            + "' belongs to a RateLimitPolicy's spec and only the operator reads it ("
            + field.get(1)
            + " is the agent's counterpart); remove it, or give the whole RateLimitPolicy manifest"
            + " (apiVersion, kind, metadata, spec), whose spec.agent, spec.backend and spec.redis"
            + " the agent leaves aside";
      }
    }
    return null;
  }

  static Read read(JsonNode root) throws InvalidPolicyException {
    JsonFields.checkKnown(root, "", MANIFEST_FIELDS);
    String apiVersion = root.has("apiVersion") ? text(root.get("apiVersion"), "apiVersion") : "";
    if (!API_VERSION.equals(apiVersion)) {
      throw new InvalidPolicyException(
          "apiVersion", "'" + apiVersion + "' is not " + API_VERSION + " (a RateLimitPolicy)");
    }
    String kindName = root.has("kind") ? text(root.get("kind"), "kind") : "";
    if (!KIND.equals(kindName)) {
      throw new InvalidPolicyException("kind", "'" + kindName + "' is not " + KIND);
    }
    JsonNode metadata = root.get("metadata");
    if (metadata == null || !metadata.isObject()) {
      throw new InvalidPolicyException(
          "metadata", "must be a mapping with name (and namespace), not " + nodeKind(metadata));
    }
    JsonNode nameNode = metadata.get("name");
    if (nameNode == null) {
      throw new InvalidPolicyException("metadata.name", "is required");
    }
    String name = text(nameNode, "metadata.name");
    String namespace =
        metadata.has("namespace")
            ? text(metadata.get("namespace"), "metadata.namespace")
            : "default";
    JsonNode spec = root.get("spec");
    if (spec == null || spec.isNull()) {
      spec = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    }
    if (!spec.isObject()) {
      throw new InvalidPolicyException("spec", "must be a mapping, not " + kind(spec));
    }
    ObjectNode document = ((ObjectNode) spec).deepCopy();
    List<String> leftAside = new ArrayList<>();
    for (List<String> field : OPERATOR_FIELDS) {
      if (document.remove(field.get(0)) != null) {
        leftAside.add("spec." + field.get(0) + " (" + field.get(1) + ")");
      }
    }
    for (String own : List.of("policy", "generation", "agents")) {
      if (document.has(own)) {
        throw new InvalidPolicyException(
            "spec." + own, "unknown field of a RateLimitPolicy spec; the operator sets it");
      }
    }
    document.put("policy", namespace + "/" + name);
    if (metadata.has("generation")) {
      document.set("generation", metadata.get("generation"));
    }
    try {
      return new Read(PolicyParser.parse(document), List.copyOf(leftAside));
    } catch (InvalidPolicyException e) {
      String field = e.field();
      throw new InvalidPolicyException(
          field.equals("policy")
              ? "metadata"
              : field.equals("generation") ? "metadata.generation" : "spec." + field,
          e.problem());
    }
  }

  private static String nodeKind(JsonNode node) {
    return node == null ? "missing" : kind(node);
  }
}
