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
        String nearest = nearest(name, known);
        throw new InvalidPolicyException(
            prefix + name,
            "unknown field; "
                + (nearest == null ? "" : "did you mean '" + nearest + "'? ")
                + "expected one of "
                + new TreeSet<>(known));
      }
    }
  }

  /**
   * The known name closest to a mistyped one (case ignored, at most a third of its letters edited),
   * or null: {@code limit} finds {@code limits}, {@code clientkey} finds {@code clientKey}.
   */
  static String nearest(String name, Set<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : new TreeSet<>(known)) {
      int distance = distance(name.toLowerCase(), candidate.toLowerCase());
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return bestDistance <= Math.max(1, name.length() / 3) ? best : null;
  }

  /** Levenshtein distance; names are short (the caller's name is cut to 64 characters). */
  private static int distance(String a, String b) {
    a = a.length() > 64 ? a.substring(0, 64) : a;
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
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
