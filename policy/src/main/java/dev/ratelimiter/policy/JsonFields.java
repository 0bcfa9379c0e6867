package dev.ratelimiter.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Typed reads of document fields; each failure names the field. */
final class JsonFields {

  private JsonFields() {}

  static void checkKnown(JsonNode node, String prefix, Set<String> known)
      throws InvalidPolicyException {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name)) {
        throw new InvalidPolicyException(
            prefix + name, "unknown field; expected one of " + new TreeSet<>(known));
      }
    }
  }

  static JsonNode required(JsonNode node, String field, String at) throws InvalidPolicyException {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new InvalidPolicyException(at + "." + field, "is required");
    }
    return value;
  }

  static String text(JsonNode node, String field) throws InvalidPolicyException {
    if (!node.isTextual()) {
      throw new InvalidPolicyException(field, "must be a string, not " + kind(node));
    }
    return node.asText();
  }

  static long integer(JsonNode node, String field, long min, long max)
      throws InvalidPolicyException {
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw new InvalidPolicyException(
          field, "must be a whole number, not " + kind(node) + " " + node);
    }
    long value = node.asLong();
    if (value < min || value > max) {
      throw new InvalidPolicyException(field, value + " is outside " + min + " .. " + max);
    }
    return value;
  }

  static <E extends Enum<E>> E enumValue(JsonNode node, String field, Class<E> type)
      throws InvalidPolicyException {
    String value = text(node, field);
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equals(value)) {
        return constant;
      }
    }
    List<String> allowed = List.of(type.getEnumConstants()).stream().map(Enum::name).toList();
    throw new InvalidPolicyException(
        field, "'" + value + "' is not one of " + String.join(", ", allowed));
  }

  static String kind(JsonNode node) {
    JsonNodeType type = node.getNodeType();
    return switch (type) {
      case ARRAY -> "a list";
      case OBJECT -> "a mapping";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL, MISSING -> "empty";
      default -> type.name().toLowerCase();
    };
  }
}
