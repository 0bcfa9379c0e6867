package dev.ratelimiter.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ratelimiter.testsupport.kubernetes.MockApiServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * An admin's RFC 7386 JSON merge patch ({@code kubectl patch --type merge -p
 * '{"spec":{"backend":null}}'}), with the result a real API server stores. The stock mock's own
 * merge patch is not RFC 7386 (it keeps a {@code null} instead of removing the key and appends to
 * arrays), so the patch is applied here, by the RFC's algorithm, to the object as last read, and
 * the result is written back with a PUT carrying that read's resourceVersion: a write in between
 * (the operator's status) gets a 409, and the patch is applied again to a fresh read, as the API
 * server applies a merge patch to the current object.
 */
final class MergePatch {

  private static final ObjectMapper JSON = new ObjectMapper();

  private MergePatch() {}

  static <T extends HasMetadata> T apply(
      MockApiServer cluster, Class<T> type, String ns, String name, String patch) {
    JsonNode patchNode;
    try {
      patchNode = JSON.readTree(patch);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    var serialization = cluster.client().getKubernetesSerialization();
    for (int attempt = 1; ; attempt++) {
      T current = cluster.get(type, ns, name);
      JsonNode patched = merge(serialization.convertValue(current, JsonNode.class), patchNode);
      T result = serialization.convertValue(patched, type);
      try {
        return cluster.client().resource(result).update();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 20) {
          throw e;
        }
      }
    }
  }

  /** RFC 7386, section 2: MergePatch(Target, Patch). */
  static JsonNode merge(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch;
    }
    ObjectNode result =
        target != null && target.isObject()
            ? ((ObjectNode) target).deepCopy()
            : JSON.createObjectNode();
    for (String field : (Iterable<String>) () -> patch.fieldNames()) {
      JsonNode value = patch.get(field);
      if (value.isNull()) {
        result.remove(field);
      } else {
        result.set(field, merge(result.get(field), value));
      }
    }
    return result;
  }

  /** The RFC's own examples (appendix A), a check of {@link #merge} itself. */
  static List<String[]> rfcExamples() {
    return List.of(
        new String[] {"{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"},
        new String[] {"{\"a\":\"b\"}", "{\"a\":null}", "{}"},
        new String[] {"{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"},
        new String[] {"{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}"},
        new String[] {
          "{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}", "{\"a\":{\"b\":\"d\"}}"
        },
        new String[] {"{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}"},
        new String[] {"{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}"});
  }
}
