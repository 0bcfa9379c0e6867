package dev.ratelimiter.policy;

import static dev.ratelimiter.policy.JsonFields.checkKnown;
import static dev.ratelimiter.policy.JsonFields.integer;
import static dev.ratelimiter.policy.JsonFields.kind;
import static dev.ratelimiter.policy.JsonFields.required;
import static dev.ratelimiter.policy.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The document's {@code overrides} ({@link QuotaOverride}), checked against the policy's limits. A
 * document is whole or refused: the operator leaves an invalid {@code RateLimitOverride} out (and
 * says so in its status) rather than send one here.
 */
final class OverrideFields {

  private static final Set<String> FIELDS = Set.of("name", "clients", "limits", "expires");
  private static final Set<String> QUOTA_FIELDS = Set.of("name", "requests", "burst");
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

  /** Longer than any client key an agent makes (an IPv6 address, a prefixed hash). */
  static final int MAX_CLIENT_LENGTH = 256;

  private OverrideFields() {}

  static List<QuotaOverride> overrides(JsonNode node, List<Limit> limits)
      throws InvalidPolicyException {
    if (!node.isArray()) {
      throw new InvalidPolicyException("overrides", "must be a list, not " + kind(node));
    }
    if (node.size() > QuotaOverride.MAX_OVERRIDES) {
      throw new InvalidPolicyException(
          "overrides", "holds " + node.size() + "; at most " + QuotaOverride.MAX_OVERRIDES);
    }
    Map<String, Limit> byName = new HashMap<>();
    limits.forEach(l -> byName.put(l.name(), l));
    List<QuotaOverride> out = new ArrayList<>();
    Map<String, String> granted = new HashMap<>(); // client -> the override that names it
    for (int i = 0; i < node.size(); i++) {
      String at = "overrides[" + i + "]";
      JsonNode item = node.get(i);
      if (!item.isObject()) {
        throw new InvalidPolicyException(
            at, "must be a mapping with name, clients, limits and expires, not " + kind(item));
      }
      checkKnown(item, at + ".", FIELDS);
      String name = text(required(item, "name", at), at + ".name");
      if (!NAME.matcher(name).matches()) {
        throw new InvalidPolicyException(
            at + ".name", "'" + name + "' is not a Kubernetes object name");
      }
      Set<String> clients = clients(required(item, "clients", at), at + ".clients");
      for (String client : clients) {
        String other = granted.putIfAbsent(client, name);
        if (other != null) {
          throw new InvalidPolicyException(
              at + ".clients",
              "'" + client + "' is in override '" + other + "' too; a client has one override");
        }
      }
      if (granted.size() > QuotaOverride.MAX_CLIENTS) {
        throw new InvalidPolicyException(
            at + ".clients",
            "the overrides name more than " + QuotaOverride.MAX_CLIENTS + " clients in all");
      }
      Map<String, QuotaOverride.Quota> quotas =
          quotas(required(item, "limits", at), at + ".limits", byName);
      long expires = expires(required(item, "expires", at), at + ".expires");
      out.add(new QuotaOverride(name, clients, quotas, expires));
    }
    return out;
  }

  private static Set<String> clients(JsonNode node, String at) throws InvalidPolicyException {
    if (!node.isArray() || node.isEmpty()) {
      throw new InvalidPolicyException(at, "must be a non-empty list of client keys");
    }
    Set<String> clients = new HashSet<>();
    for (int i = 0; i < node.size(); i++) {
      String client = text(node.get(i), at + "[" + i + "]");
      if (client.isEmpty()
          || client.length() > MAX_CLIENT_LENGTH
          || client.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
        throw new InvalidPolicyException(
            at + "[" + i + "]",
            "is not a client key (printable ASCII without spaces, at most "
                + MAX_CLIENT_LENGTH
                + " characters)");
      }
      clients.add(client);
    }
    return clients;
  }

  private static Map<String, QuotaOverride.Quota> quotas(
      JsonNode node, String at, Map<String, Limit> limits) throws InvalidPolicyException {
    if (!node.isArray() || node.isEmpty() || node.size() > Policy.MAX_LIMITS) {
      throw new InvalidPolicyException(
          at, "must be a list of 1 to " + Policy.MAX_LIMITS + " limits with name and requests");
    }
    Map<String, QuotaOverride.Quota> quotas = new HashMap<>();
    for (int i = 0; i < node.size(); i++) {
      String here = at + "[" + i + "]";
      JsonNode item = node.get(i);
      if (!item.isObject()) {
        throw new InvalidPolicyException(here, "must be a mapping with name and requests");
      }
      checkKnown(item, here + ".", QUOTA_FIELDS);
      String name = text(required(item, "name", here), here + ".name");
      Limit limit = limits.get(name);
      if (limit == null) {
        throw new InvalidPolicyException(
            here + ".name",
            "the policy has no limit '" + name + "'; its limits are " + limits.keySet());
      }
      long most =
          limit.algorithm() == Algorithm.SlidingWindow
              ? Limit.MAX_SLIDING_WINDOW_REQUESTS
              : Limit.MAX_REQUESTS;
      long requests =
          integer(required(item, "requests", here), here + ".requests", Limit.MIN_REQUESTS, most);
      long burst = requests;
      if (item.has("burst")) {
        if (limit.algorithm() != Algorithm.TokenBucket) {
          throw new InvalidPolicyException(
              here + ".burst", "limit '" + name + "' is a " + limit.algorithm() + ": no burst");
        }
        burst = integer(item.get("burst"), here + ".burst", Limit.MIN_BURST, Limit.MAX_BURST);
      } else if (limit.algorithm() == Algorithm.TokenBucket) {
        burst = Math.min(Math.max(limit.burst(), requests), Limit.MAX_BURST);
      }
      if (quotas.put(name, new QuotaOverride.Quota(requests, burst)) != null) {
        throw new InvalidPolicyException(here + ".name", "'" + name + "' is given twice");
      }
    }
    return quotas;
  }

  private static long expires(JsonNode node, String at) throws InvalidPolicyException {
    String text = text(node, at);
    try {
      return Instant.parse(text).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new InvalidPolicyException(
          at, "'" + text + "' is not a time like 2026-12-24T00:00:00Z (RFC 3339, UTC)");
    }
  }
}
