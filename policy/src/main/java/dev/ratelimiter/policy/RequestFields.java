package dev.ratelimiter.policy;

import static dev.ratelimiter.policy.JsonFields.checkKnown;
import static dev.ratelimiter.policy.JsonFields.kind;
import static dev.ratelimiter.policy.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The parts of a policy document that pick requests and clients: route matches, CIDR lists, header
 * names.
 */
final class RequestFields {

  private static final Set<String> MATCH_FIELDS =
      Set.of("pathPrefixes", "methods", "caseInsensitive", "plans", "headers");
  private static final Set<String> HEADER_MATCH_FIELDS = Set.of("name", "values");
  private static final Pattern HEADER_VALUE = Pattern.compile(HeaderMatch.VALUE_PATTERN);
  private static final Pattern PATH_PREFIX = Pattern.compile(RouteMatch.PATH_PREFIX_PATTERN);
  private static final Pattern HEADER_NAME = Pattern.compile(ClientKeyPolicy.HEADER_NAME_PATTERN);

  private RequestFields() {}

  /**
   * {@code limits[i].match}: at least one of pathPrefixes and methods, each a non-empty bounded
   * list.
   */
  static RouteMatch match(JsonNode node, String at) throws InvalidPolicyException {
    if (!node.isObject()) {
      throw new InvalidPolicyException(
          at, "must be a mapping with pathPrefixes, methods, plans or headers, not " + kind(node));
    }
    checkKnown(node, at + ".", MATCH_FIELDS);
    if (!node.has("pathPrefixes")
        && !node.has("methods")
        && !node.has("plans")
        && !node.has("headers")) {
      throw new InvalidPolicyException(
          at,
          "must name pathPrefixes, methods, plans or headers (a limit for every request has no match)");
    }
    List<String> prefixes = new ArrayList<>();
    if (node.has("pathPrefixes")) {
      JsonNode list =
          list(node.get("pathPrefixes"), at + ".pathPrefixes", RouteMatch.MAX_PATH_PREFIXES);
      for (int i = 0; i < list.size(); i++) {
        String where = at + ".pathPrefixes[" + i + "]";
        String prefix = text(list.get(i), where);
        if (prefix.length() <= RouteMatch.MAX_PREFIX_LENGTH
            && !PATH_PREFIX.matcher(prefix).matches()
            && canonicalOther(prefix) != null) {
          throw new InvalidPolicyException(
              where,
              "'"
                  + prefix
                  + "' would never match: request paths are matched in canonical form, write it as '"
                  + canonicalOther(prefix)
                  + "'");
        }
        if (prefix.length() > RouteMatch.MAX_PREFIX_LENGTH
            || !PATH_PREFIX.matcher(prefix).matches()) {
          throw new InvalidPolicyException(
              where,
              "'"
                  + prefix
                  + "' is not a path prefix: it starts with '/', has no blanks, '?', '#' or '\\', no"
                  + " empty, '.' or '..' segment, no encoded '/', and at most "
                  + RouteMatch.MAX_PREFIX_LENGTH
                  + " characters");
        }
        prefixes.add(prefix);
      }
    }
    List<String> methods = new ArrayList<>();
    if (node.has("methods")) {
      JsonNode list = list(node.get("methods"), at + ".methods", RouteMatch.KNOWN_METHODS.size());
      for (int i = 0; i < list.size(); i++) {
        String where = at + ".methods[" + i + "]";
        String method = text(list.get(i), where);
        if (!RouteMatch.knownMethod(method)) {
          throw new InvalidPolicyException(
              where,
              "'" + method + "' is not one of " + String.join(", ", RouteMatch.KNOWN_METHODS));
        }
        methods.add(method);
      }
    }
    boolean caseInsensitive = false;
    if (node.has("caseInsensitive")) {
      JsonNode flag = node.get("caseInsensitive");
      if (!flag.isBoolean()) {
        throw new InvalidPolicyException(
            at + ".caseInsensitive", "must be true or false, not " + kind(flag));
      }
      caseInsensitive = flag.booleanValue();
    }
    List<String> plans =
        node.has("plans") ? ClientFields.plans(node.get("plans"), at + ".plans") : List.of();
    List<HeaderMatch> headers =
        node.has("headers") ? headerMatches(node.get("headers"), at + ".headers") : List.of();
    return new RouteMatch(prefixes, methods, caseInsensitive, plans, headers);
  }

  private static List<HeaderMatch> headerMatches(JsonNode node, String at)
      throws InvalidPolicyException {
    JsonNode list = list(node, at, HeaderMatch.MAX_HEADERS);
    List<HeaderMatch> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String where = at + "[" + i + "]";
      JsonNode item = list.get(i);
      if (!item.isObject()) {
        throw new InvalidPolicyException(
            where, "must be a mapping {name, values}, not " + kind(item));
      }
      checkKnown(item, where + ".", HEADER_MATCH_FIELDS);
      String name = headerName(JsonFields.required(item, "name", where), where + ".name");
      List<String> values = new ArrayList<>();
      if (item.has("values")) {
        JsonNode given = list(item.get("values"), where + ".values", HeaderMatch.MAX_VALUES);
        for (int v = 0; v < given.size(); v++) {
          String value = text(given.get(v), where + ".values[" + v + "]");
          if (value.length() > HeaderMatch.MAX_VALUE_LENGTH
              || !HEADER_VALUE.matcher(value).matches()) {
            throw new InvalidPolicyException(
                where + ".values[" + v + "]",
                "'"
                    + value
                    + "' is not a header value to match: printable ASCII without ',' or blanks at"
                    + " either end, at most "
                    + HeaderMatch.MAX_VALUE_LENGTH
                    + " characters");
          }
          values.add(value);
        }
      }
      out.add(new HeaderMatch(name, values));
    }
    return out;
  }

  /** The canonical form of {@code prefix} when it is another, usable one; else null. */
  private static String canonicalOther(String prefix) {
    try {
      String canonical = CanonicalPath.of(prefix);
      return !canonical.equals(prefix) && PATH_PREFIX.matcher(canonical).matches()
          ? canonical
          : null;
    } catch (CanonicalPath.Invalid e) {
      return null;
    }
  }

  /** A list of CIDRs that may not hold a /0 (it would take in every address). */
  static List<Cidr> cidrs(JsonNode node, String at, int max, String whyNotZero)
      throws InvalidPolicyException {
    if (!node.isArray()) {
      throw new InvalidPolicyException(at, "must be a list of CIDRs, not " + kind(node));
    }
    if (node.size() > max) {
      throw new InvalidPolicyException(at, "at most " + max + " entries, not " + node.size());
    }
    List<Cidr> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      String where = at + "[" + i + "]";
      Cidr cidr;
      try {
        cidr = Cidr.parse(text(node.get(i), where));
      } catch (IllegalArgumentException e) {
        throw new InvalidPolicyException(where, e.getMessage());
      }
      if (cidr.prefixLength() == 0) {
        throw new InvalidPolicyException(where, "'" + node.get(i).asText() + "' " + whyNotZero);
      }
      out.add(cidr);
    }
    return out;
  }

  /** {@code clientKey.header}: an HTTP header name. */
  static String headerName(JsonNode node, String at) throws InvalidPolicyException {
    String name = text(node, at);
    if (name.length() > ClientKeyPolicy.HEADER_NAME_MAX_LENGTH
        || !HEADER_NAME.matcher(name).matches()) {
      throw new InvalidPolicyException(
          at,
          "'"
              + name
              + "' is not an HTTP header name (letters, digits and !#$%&'*+-.^_`|~, at most "
              + ClientKeyPolicy.HEADER_NAME_MAX_LENGTH
              + ")");
    }
    return name;
  }

  private static JsonNode list(JsonNode node, String at, int max) throws InvalidPolicyException {
    if (!node.isArray()) {
      throw new InvalidPolicyException(at, "must be a list, not " + kind(node));
    }
    if (node.isEmpty() || node.size() > max) {
      throw new InvalidPolicyException(
          at, "must hold 1 to " + max + " entries, not " + node.size());
    }
    return node;
  }
}
