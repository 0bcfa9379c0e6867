package dev.ratelimiter.operator.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a real API server would check, done without one: the generated CRD's openAPIV3Schema (by
 * networknt's JSON Schema validator) and its x-kubernetes-validations CEL rules (by cel-java), each
 * rule evaluated with {@code self} bound to the value it is attached to.
 */
final class CrdSchema {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final CelCompiler CEL =
      CelCompilerFactory.standardCelCompilerBuilder()
          .addVar("self", SimpleType.DYN)
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  final JsonNode openApiSchema;
  private final Schema jsonSchema;

  CrdSchema(Path crdFile) {
    try {
      JsonNode crd = YAML.readTree(crdFile.toFile());
      JsonNode versions = crd.path("spec").path("versions");
      if (versions.size() != 1) {
        throw new IllegalStateException(
            "expected exactly one served version, got " + versions.size());
      }
      openApiSchema = versions.get(0).path("schema").path("openAPIV3Schema");
      jsonSchema =
          SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
              .getSchema(new ObjectMapper().writeValueAsString(openApiSchema), InputFormat.JSON);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A refusal: where (dotted, like {@code spec.limits[0].window}, as the API server says it) and
   * why.
   */
  record Problem(String path, String message) {

    /** True when this refusal names the field at {@code path} or a field that contains it. */
    boolean names(String field) {
      return field.equals(path) || field.startsWith(path + ".") || field.startsWith(path + "[");
    }
  }

  /**
   * Every refusal a real API server would give on {@code kubectl apply} (strict field validation,
   * the kubectl default): schema violations, fields the schema does not know, broken CEL rules.
   */
  List<Problem> problems(String yaml) {
    List<Problem> out = new ArrayList<>();
    for (Error e : jsonSchema.validate(yaml, InputFormat.YAML)) {
      out.add(new Problem(dotted(e.getInstanceLocation().toString()), e.getMessage()));
    }
    try {
      Object doc = YAML.readValue(yaml, Object.class);
      unknownFields(openApiSchema, doc, "", out);
      List<String> cel = new ArrayList<>();
      evaluate(openApiSchema, toCel(doc), "", cel);
      for (String line : cel) {
        int colon = line.indexOf(": ");
        out.add(
            new Problem(
                line.substring(0, colon).replaceFirst("^\\.", ""), line.substring(colon + 2)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** {@code /spec/limits/0/window} (a JSON pointer) as {@code spec.limits[0].window}. */
  private static String dotted(String pointer) {
    StringBuilder sb = new StringBuilder();
    for (String segment : pointer.replaceFirst("^[$#]?/?", "").split("/")) {
      if (segment.isEmpty()) {
        continue;
      }
      if (segment.chars().allMatch(Character::isDigit)) {
        sb.append('[').append(segment).append(']');
      } else {
        sb.append(sb.length() == 0 ? "" : ".").append(segment);
      }
    }
    return sb.toString();
  }

  private static void unknownFields(JsonNode schema, Object value, String path, List<Problem> out) {
    if (value instanceof Map<?, ?> map
        && schema.has("properties")
        && !schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = String.valueOf(e.getKey());
        String at = path.isEmpty() ? key : path + "." + key;
        boolean implicit =
            path.isEmpty() && List.of("apiVersion", "kind", "metadata").contains(key);
        if (!schema.path("properties").has(key) && !implicit) {
          out.add(new Problem(at, "unknown field \"" + key + "\""));
        } else {
          unknownFields(
              schema.path("properties").path(key),
              e.getValue(),
              at,
              out); // metadata: no properties, not walked
        }
      }
    } else if (value instanceof List<?> list && schema.has("items")) {
      for (int i = 0; i < list.size(); i++) {
        unknownFields(schema.get("items"), list.get(i), path + "[" + i + "]", out);
      }
    }
  }

  /** Schema violations of a RateLimitPolicy document (YAML), as "path: message" lines. */
  List<String> schemaErrors(String yaml) {
    List<String> out = new ArrayList<>();
    for (Error e : jsonSchema.validate(yaml, InputFormat.YAML)) {
      out.add(e.getInstanceLocation() + ": " + e.getMessage());
    }
    return out;
  }

  /** A CEL rule found in the schema, with where it applies. */
  record Rule(String path, String expression, String message) {}

  List<Rule> rules() {
    List<Rule> rules = new ArrayList<>();
    collectRules(openApiSchema, "", rules);
    return rules;
  }

  private static void collectRules(JsonNode schema, String path, List<Rule> out) {
    for (JsonNode v : schema.path("x-kubernetes-validations")) {
      out.add(new Rule(path, v.path("rule").asText(), v.path("message").asText()));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields();
        it.hasNext(); ) {
      var e = it.next();
      collectRules(e.getValue(), path + "." + e.getKey(), out);
    }
    if (schema.has("items")) {
      collectRules(schema.get("items"), path + "[*]", out);
    }
  }

  /**
   * Messages of the CEL rules the document breaks (rules that fail to evaluate count as broken).
   */
  List<String> celErrors(String yaml) {
    try {
      Object doc = YAML.readValue(yaml, Object.class);
      List<String> out = new ArrayList<>();
      evaluate(openApiSchema, toCel(doc), "", out);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every check the API server would run: schema first, then CEL. */
  List<String> allErrors(String yaml) {
    List<String> out = new ArrayList<>(schemaErrors(yaml));
    out.addAll(celErrors(yaml));
    return out;
  }

  private static void evaluate(JsonNode schema, Object value, String path, List<String> out) {
    if (value == null) {
      return;
    }
    for (JsonNode v : schema.path("x-kubernetes-validations")) {
      String rule = v.path("rule").asText();
      try {
        Object result =
            RUNTIME.createProgram(CEL.compile(rule).getAst()).eval(Map.of("self", value));
        if (!Boolean.TRUE.equals(result)) {
          out.add(path + v.path("fieldPath").asText() + ": " + v.path("message").asText());
        }
      } catch (Exception e) {
        out.add(
            path
                + v.path("fieldPath").asText()
                + ": "
                + v.path("message").asText()
                + " (rule error: "
                + e.getMessage()
                + ")");
      }
    }
    if (value instanceof Map<?, ?> map) {
      for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields();
          it.hasNext(); ) {
        var e = it.next();
        evaluate(e.getValue(), map.get(e.getKey()), path + "." + e.getKey(), out);
      }
    } else if (value instanceof List<?> list && schema.has("items")) {
      for (int i = 0; i < list.size(); i++) {
        evaluate(schema.get("items"), list.get(i), path + "[" + i + "]", out);
      }
    }
  }

  /** YAML values as CEL sees them: integers are int64. */
  private static Object toCel(Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, val) -> out.put(String.valueOf(k), toCel(val)));
      return out;
    }
    if (v instanceof List<?> l) {
      return l.stream().map(CrdSchema::toCel).toList();
    }
    if (v instanceof Integer i) {
      return i.longValue();
    }
    return v;
  }
}
