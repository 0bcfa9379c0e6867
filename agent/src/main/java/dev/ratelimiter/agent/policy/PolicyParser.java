package dev.ratelimiter.agent.policy;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ratelimiter.agent.clientkey.Cidr;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a policy document (YAML or JSON: the shape of the RateLimitPolicy {@code spec}, plus
 * {@code policy} and {@code generation}) and validates every field, so that nothing half-valid is
 * ever enforced. Unknown fields are errors, and fields of the design that this agent does not
 * implement yet are refused by name rather than silently ignored.
 */
public final class PolicyParser {

    static final long MAX_REQUESTS = 1_000_000_000L;
    static final int MAX_LIMITS = 16;
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern POLICY_ID = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?(/[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?)?");
    private static final Set<String> TOP_FIELDS = Set.of("policy", "generation", "limits", "clientKey", "failurePolicy", "exempt", "mode");
    private static final Set<String> LIMIT_FIELDS = Set.of("name", "requests", "window", "algorithm");
    private static final Set<String> CLIENT_KEY_FIELDS = Set.of("source", "header", "forwardedHeader", "trustedProxies", "ipv6PrefixLength");

    /** YAML is a superset of JSON, so one reader serves both. */
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private PolicyParser() {
    }

    public static Policy parse(String document) throws InvalidPolicyException {
        JsonNode root;
        try {
            root = YAML.readTree(document == null ? "" : document);
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw new InvalidPolicyException("", "not a YAML or JSON document" + where + ": " + firstLine(e.getOriginalMessage()));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return Policy.defaultPolicy();
        }
        return parse(root);
    }

    public static Policy parse(JsonNode root) throws InvalidPolicyException {
        if (!root.isObject()) {
            throw new InvalidPolicyException("", "the document must be a mapping of fields, not " + kind(root));
        }
        checkKnown(root, "", TOP_FIELDS);
        String id = root.has("policy") ? text(root.get("policy"), "policy") : Policy.DEFAULT_ID;
        if (!POLICY_ID.matcher(id).matches()) {
            throw new InvalidPolicyException("policy", "'" + id + "' is not <namespace>/<name> in lower-case DNS style");
        }
        long generation = root.has("generation") ? integer(root.get("generation"), "generation", 0, Long.MAX_VALUE) : 0;
        List<Limit> limits = root.has("limits") ? limits(root.get("limits")) : Policy.defaultPolicy().limits();
        ClientKeyPolicy clientKey = root.has("clientKey") ? clientKey(root.get("clientKey")) : ClientKeyPolicy.remoteAddress();
        FailurePolicy failurePolicy = root.has("failurePolicy")
                ? enumValue(root.get("failurePolicy"), "failurePolicy", FailurePolicy.class) : FailurePolicy.Open;
        if (!failurePolicy.implemented()) {
            throw notYet("failurePolicy", failurePolicy.name());
        }
        refuseUnlessDefault(root, "exempt", node -> node.isArray() && node.isEmpty());
        refuseUnlessDefault(root, "mode", node -> node.isTextual() && node.asText().equals("Enforce"));
        return new Policy(id, generation, limits, clientKey, failurePolicy);
    }

    private static List<Limit> limits(JsonNode node) throws InvalidPolicyException {
        if (!node.isArray()) {
            throw new InvalidPolicyException("limits", "must be a list, not " + kind(node));
        }
        if (node.isEmpty() || node.size() > MAX_LIMITS) {
            throw new InvalidPolicyException("limits", "must hold 1 to " + MAX_LIMITS + " limits, not " + node.size());
        }
        List<Limit> limits = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String at = "limits[" + i + "]";
            JsonNode item = node.get(i);
            if (!item.isObject()) {
                throw new InvalidPolicyException(at, "must be a mapping with name, requests and window, not " + kind(item));
            }
            checkKnown(item, at + ".", LIMIT_FIELDS);
            String name = text(required(item, "name", at), at + ".name");
            if (!DNS_LABEL.matcher(name).matches()) {
                throw new InvalidPolicyException(at + ".name", "'" + name + "' is not a DNS label (lower-case letters, digits and '-', at most 63)");
            }
            if (!names.add(name)) {
                throw new InvalidPolicyException(at + ".name", "'" + name + "' is used by another limit; names must be unique");
            }
            long requests = integer(required(item, "requests", at), at + ".requests", 1, MAX_REQUESTS);
            long window;
            try {
                window = WindowFormat.parseSeconds(text(required(item, "window", at), at + ".window"));
            } catch (IllegalArgumentException e) {
                throw new InvalidPolicyException(at + ".window", e.getMessage());
            }
            Algorithm algorithm = item.has("algorithm")
                    ? enumValue(item.get("algorithm"), at + ".algorithm", Algorithm.class) : Algorithm.FixedWindow;
            if (!algorithm.implemented()) {
                throw notYet(at + ".algorithm", algorithm.name());
            }
            limits.add(new Limit(name, requests, window, algorithm));
        }
        return limits;
    }

    private static ClientKeyPolicy clientKey(JsonNode node) throws InvalidPolicyException {
        if (!node.isObject()) {
            throw new InvalidPolicyException("clientKey", "must be a mapping, not " + kind(node));
        }
        checkKnown(node, "clientKey.", CLIENT_KEY_FIELDS);
        if (node.has("source") && !text(node.get("source"), "clientKey.source").equals("RemoteAddress")) {
            String source = node.get("source").asText();
            if (source.equals("Header")) {
                throw notYet("clientKey.source", source);
            }
            throw new InvalidPolicyException("clientKey.source", "'" + source + "' is not one of RemoteAddress, Header");
        }
        if (node.has("header")) {
            throw notYet("clientKey.header", node.get("header").asText());
        }
        List<Cidr> proxies = new ArrayList<>();
        if (node.has("trustedProxies")) {
            JsonNode list = node.get("trustedProxies");
            if (!list.isArray()) {
                throw new InvalidPolicyException("clientKey.trustedProxies", "must be a list of CIDRs, not " + kind(list));
            }
            for (int i = 0; i < list.size(); i++) {
                String at = "clientKey.trustedProxies[" + i + "]";
                Cidr cidr;
                try {
                    cidr = Cidr.parse(text(list.get(i), at));
                } catch (IllegalArgumentException e) {
                    throw new InvalidPolicyException(at, e.getMessage());
                }
                if (cidr.prefixLength() == 0) {
                    throw new InvalidPolicyException(at, "'" + cidr + "' would trust every address, so any client could pick its own key"
                            + " by sending a forwarding header; list the proxies' own addresses (never the whole network)");
                }
                proxies.add(cidr);
            }
        }
        int prefix = node.has("ipv6PrefixLength")
                ? (int) integer(node.get("ipv6PrefixLength"), "clientKey.ipv6PrefixLength", ClientKeyPolicy.MIN_IPV6_PREFIX, 128)
                : ClientKeyPolicy.DEFAULT_IPV6_PREFIX;
        ForwardedHeader forwardedHeader = node.has("forwardedHeader")
                ? enumValue(node.get("forwardedHeader"), "clientKey.forwardedHeader", ForwardedHeader.class)
                : ForwardedHeader.XForwardedFor;
        return new ClientKeyPolicy(proxies, prefix, forwardedHeader);
    }

    private interface NodeTest {
        boolean isDefault(JsonNode node);
    }

    private static void refuseUnlessDefault(JsonNode root, String field, NodeTest test) throws InvalidPolicyException {
        if (root.has(field) && !test.isDefault(root.get(field))) {
            throw notYet(field, root.get(field).toString());
        }
    }

    private static InvalidPolicyException notYet(String field, String value) {
        return new InvalidPolicyException(field, value + " is not supported by this agent version yet");
    }

    private static void checkKnown(JsonNode node, String prefix, Set<String> known) throws InvalidPolicyException {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                throw new InvalidPolicyException(prefix + name, "unknown field; expected one of " + new java.util.TreeSet<>(known));
            }
        }
    }

    private static JsonNode required(JsonNode node, String field, String at) throws InvalidPolicyException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidPolicyException(at + "." + field, "is required");
        }
        return value;
    }

    private static String text(JsonNode node, String field) throws InvalidPolicyException {
        if (!node.isTextual()) {
            throw new InvalidPolicyException(field, "must be a string, not " + kind(node));
        }
        return node.asText();
    }

    private static long integer(JsonNode node, String field, long min, long max) throws InvalidPolicyException {
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new InvalidPolicyException(field, "must be a whole number, not " + kind(node) + " " + node);
        }
        long value = node.asLong();
        if (value < min || value > max) {
            throw new InvalidPolicyException(field, value + " is outside " + min + " .. " + max);
        }
        return value;
    }

    private static <E extends Enum<E>> E enumValue(JsonNode node, String field, Class<E> type) throws InvalidPolicyException {
        String value = text(node, field);
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(value)) {
                return constant;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            allowed.add(constant.name());
        }
        throw new InvalidPolicyException(field, "'" + value + "' is not one of " + String.join(", ", allowed));
    }

    private static String firstLine(String message) {
        String text = message == null ? "" : message.strip();
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline).strip();
    }

    private static String kind(JsonNode node) {
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
