package dev.ratelimiter.policy;

import static dev.ratelimiter.policy.JsonFields.checkKnown;
import static dev.ratelimiter.policy.JsonFields.enumValue;
import static dev.ratelimiter.policy.JsonFields.integer;
import static dev.ratelimiter.policy.JsonFields.kind;
import static dev.ratelimiter.policy.JsonFields.required;
import static dev.ratelimiter.policy.JsonFields.text;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a policy document (YAML or JSON: the shape of the RateLimitPolicy {@code spec}, plus {@code
 * policy} and {@code generation}) and validates every field, so that nothing half-valid is ever
 * enforced. These are the policy rules; the agent enforces what passes them, the operator refuses a
 * spec that does not. Unknown fields are errors rather than silently ignored. The first problem is
 * reported, with the path of its field ({@code limits[1].window: ...}).
 */
public final class PolicyParser {

  /** {@code <namespace>/<name>}, or one name, in lower-case DNS style. */
  private static final Pattern POLICY_ID =
      Pattern.compile(
          "[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?(/[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?)?");

  private static final Pattern LIMIT_NAME = Pattern.compile(Limit.NAME_PATTERN);
  private static final Set<String> TOP_FIELDS =
      Set.of(
          "policy",
          "generation",
          "limits",
          "clientKey",
          "failurePolicy",
          "exempt",
          "mode",
          "agents",
          "plan",
          "exemptPlans",
          "overrides");
  private static final Set<String> LIMIT_FIELDS =
      Set.of("name", "requests", "window", "algorithm", "burst", "match", "cost");
  private static final Set<String> COST_FIELDS = Set.of("usage", "reserve", "header");

  /**
   * YAML is a superset of JSON, so one reader serves both. A key given twice is an error, not "the
   * last one wins": an admin who wrote {@code limits} twice meant one of them.
   */
  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

  private PolicyParser() {}

  public static Policy parse(String document) throws InvalidPolicyException {
    return read(document).policy();
  }

  /**
   * Reads a policy document, or a whole {@code RateLimitPolicy} manifest ({@link PolicyManifest}),
   * and says what of a manifest was left aside.
   */
  public static PolicyManifest.Read read(String document) throws InvalidPolicyException {
    JsonNode root;
    try (JsonParser parser = YAML.createParser(document == null ? "" : document)) {
      root = YAML.readTree(parser);
      if (root != null && parser.nextToken() != null) {
        throw new InvalidPolicyException(
            "",
            "more than one YAML document (a line '---' starts another): a policy is one document");
      }
    } catch (JacksonException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " (line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr()
                  + ")";
      String message = firstLine(e.getOriginalMessage());
      if (message != null && message.startsWith("Duplicate field ")) {
        throw new InvalidPolicyException(
            "",
            "the field "
                + message.substring("Duplicate field ".length())
                + " is given twice"
                + where
                + "; give each field once");
      }
      throw new InvalidPolicyException("", "not a YAML or JSON document" + where + ": " + message);
    } catch (java.io.IOException e) {
      throw new InvalidPolicyException("", "not readable: " + e.getMessage());
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return new PolicyManifest.Read(Policy.defaultPolicy(), List.of());
    }
    if (PolicyManifest.isManifest(root)) {
      return PolicyManifest.read(root);
    }
    return new PolicyManifest.Read(parse(root), List.of());
  }

  /** The agent's document: {@code clientKey.jwt.jwks} holds the JWKS itself. */
  public static Policy parse(JsonNode root) throws InvalidPolicyException {
    return parse(root, false);
  }

  /**
   * A RateLimitPolicy spec's policy fields, as the operator judges them: {@code
   * clientKey.jwt.jwksConfigMapRef} names the ConfigMap the JWKS is read from.
   */
  public static Policy parseSpec(JsonNode root) throws InvalidPolicyException {
    return parse(root, true);
  }

  private static Policy parse(JsonNode root, boolean spec) throws InvalidPolicyException {
    if (!root.isObject()) {
      throw new InvalidPolicyException(
          "", "the document must be a mapping of fields, not " + kind(root));
    }
    for (var names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      String operatorOnly = PolicyManifest.operatorField(name);
      if (operatorOnly != null) {
        throw new InvalidPolicyException(name, operatorOnly);
      }
    }
    checkKnown(root, "", TOP_FIELDS);
    String id = root.has("policy") ? text(root.get("policy"), "policy") : Policy.DEFAULT_ID;
    if (!POLICY_ID.matcher(id).matches()) {
      throw new InvalidPolicyException(
          "policy", "'" + id + "' is not <namespace>/<name> in lower-case DNS style");
    }
    long generation =
        root.has("generation")
            ? integer(root.get("generation"), "generation", 0, Long.MAX_VALUE)
            : 0;
    List<Limit> limits =
        root.has("limits") ? limits(root.get("limits")) : Policy.defaultPolicy().limits();
    ClientKeyPolicy clientKey =
        root.has("clientKey")
            ? ClientFields.clientKey(root.get("clientKey"), spec)
            : ClientKeyPolicy.remoteAddress();
    FailurePolicy failurePolicy =
        root.has("failurePolicy")
            ? enumValue(root.get("failurePolicy"), "failurePolicy", FailurePolicy.class)
            : FailurePolicy.Open;
    List<Cidr> exempt =
        root.has("exempt")
            ? RequestFields.cidrs(
                root.get("exempt"),
                "exempt",
                Policy.MAX_EXEMPT,
                "would exempt every address, so nothing would ever be limited; list the exempt networks themselves")
            : List.of();
    Mode mode = root.has("mode") ? enumValue(root.get("mode"), "mode", Mode.class) : Mode.Enforce;
    int agents =
        root.has("agents") ? (int) integer(root.get("agents"), "agents", 1, Policy.MAX_AGENTS) : 1;
    PlanPolicy plan = root.has("plan") ? ClientFields.plan(root.get("plan"), clientKey) : null;
    List<String> exemptPlans =
        root.has("exemptPlans")
            ? ClientFields.plans(root.get("exemptPlans"), "exemptPlans")
            : List.of();
    if (plan == null && !exemptPlans.isEmpty()) {
      throw new InvalidPolicyException(
          "exemptPlans", "needs plan (where a client's plan comes from)");
    }
    for (int i = 0; i < limits.size(); i++) {
      RouteMatch match = limits.get(i).match();
      if (plan == null && match != null && !match.plans().isEmpty()) {
        throw new InvalidPolicyException(
            "limits[" + i + "].match.plans", "needs plan (where a client's plan comes from)");
      }
    }
    if (plan != null) {
      plan = plan.knowing(limits, exemptPlans);
    }
    if (spec && root.has("overrides")) {
      throw new InvalidPolicyException(
          "overrides",
          "is not a spec field: grant a client other quotas with a RateLimitOverride naming this policy");
    }
    Overrides overrides =
        root.has("overrides")
            ? new Overrides(OverrideFields.overrides(root.get("overrides"), limits))
            : Overrides.NONE;
    return new Policy(
        id,
        generation,
        limits,
        clientKey,
        failurePolicy,
        exempt,
        mode,
        agents,
        plan,
        exemptPlans,
        overrides);
  }

  private static List<Limit> limits(JsonNode node) throws InvalidPolicyException {
    if (!node.isArray()) {
      throw new InvalidPolicyException("limits", "must be a list, not " + kind(node));
    }
    if (node.size() < Policy.MIN_LIMITS || node.size() > Policy.MAX_LIMITS) {
      throw new InvalidPolicyException(
          "limits",
          "must hold "
              + Policy.MIN_LIMITS
              + " to "
              + Policy.MAX_LIMITS
              + " limits, not "
              + node.size());
    }
    List<Limit> limits = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < node.size(); i++) {
      String at = "limits[" + i + "]";
      JsonNode item = node.get(i);
      if (!item.isObject()) {
        throw new InvalidPolicyException(
            at, "must be a mapping with name, requests and window, not " + kind(item));
      }
      checkKnown(item, at + ".", LIMIT_FIELDS);
      String name = text(required(item, "name", at), at + ".name");
      if (name.length() > Limit.NAME_MAX_LENGTH || !LIMIT_NAME.matcher(name).matches()) {
        throw new InvalidPolicyException(
            at + ".name",
            "'"
                + name
                + "' is not a DNS label (lower-case letters, digits and '-', at most "
                + Limit.NAME_MAX_LENGTH
                + ")");
      }
      if (!names.add(name)) {
        throw new InvalidPolicyException(
            at + ".name", "'" + name + "' is used by another limit; names must be unique");
      }
      long requests =
          integer(
              required(item, "requests", at),
              at + ".requests",
              Limit.MIN_REQUESTS,
              Limit.MAX_REQUESTS);
      long window;
      try {
        window = WindowFormat.parseSeconds(text(required(item, "window", at), at + ".window"));
      } catch (IllegalArgumentException e) {
        throw new InvalidPolicyException(at + ".window", e.getMessage());
      }
      Algorithm algorithm =
          item.has("algorithm")
              ? enumValue(item.get("algorithm"), at + ".algorithm", Algorithm.class)
              : Algorithm.FixedWindow;
      RouteMatch match =
          item.has("match") ? RequestFields.match(item.get("match"), at + ".match") : null;
      long burst = burst(item, at, algorithm, requests);
      Cost cost = item.has("cost") ? cost(item.get("cost"), at + ".cost", burst) : null;
      limits.add(new Limit(name, requests, window, algorithm, burst, match, cost));
    }
    return limits;
  }

  /** A token budget's cost: what it is spent in, and the reservation, which must fit at once. */
  private static Cost cost(JsonNode node, String at, long most) throws InvalidPolicyException {
    if (!node.isObject()) {
      throw new InvalidPolicyException(
          at, "must be a mapping with usage and reserve, not " + kind(node));
    }
    checkKnown(node, at + ".", COST_FIELDS);
    Cost.Usage usage = enumValue(required(node, "usage", at), at + ".usage", Cost.Usage.class);
    long reserve = integer(required(node, "reserve", at), at + ".reserve", Cost.MIN_RESERVE, most);
    String header =
        node.has("header") ? RequestFields.headerName(node.get("header"), at + ".header") : null;
    return new Cost(usage, reserve, header);
  }

  /** The size rules of each algorithm, and the TokenBucket's burst (default {@code requests}). */
  private static long burst(JsonNode item, String at, Algorithm algorithm, long requests)
      throws InvalidPolicyException {
    if (algorithm == Algorithm.SlidingWindow && requests > Limit.MAX_SLIDING_WINDOW_REQUESTS) {
      throw new InvalidPolicyException(
          at + ".requests",
          requests
              + " is too many for SlidingWindow, which remembers each admitted"
              + " request of the window per client: at most "
              + Limit.MAX_SLIDING_WINDOW_REQUESTS
              + "; use FixedWindow or TokenBucket for larger quotas");
    }
    if (!item.has("burst")) {
      if (algorithm == Algorithm.TokenBucket && requests > Limit.MAX_BURST) {
        throw new InvalidPolicyException(
            at + ".requests",
            requests
                + " is too many for a TokenBucket without burst (the burst"
                + " defaults to requests and is at most "
                + Limit.MAX_BURST
                + "); set burst to at most "
                + Limit.MAX_BURST);
      }
      return requests;
    }
    if (algorithm != Algorithm.TokenBucket) {
      throw new InvalidPolicyException(
          at + ".burst", "only a TokenBucket has a burst; remove it or set algorithm: TokenBucket");
    }
    long burst = integer(item.get("burst"), at + ".burst", Limit.MIN_BURST, Long.MAX_VALUE);
    if (burst > Limit.MAX_BURST) {
      throw new InvalidPolicyException(
          at + ".burst",
          burst
              + " is outside "
              + Limit.MIN_BURST
              + " .. "
              + Limit.MAX_BURST
              + ": the bucket is counted exactly in steps of 1/(window in ms) of a token, which must fit Redis' Lua numbers");
    }
    return burst;
  }

  private static String firstLine(String message) {
    String text = message == null ? "" : message.strip();
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline).strip();
  }
}
