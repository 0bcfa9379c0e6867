package dev.ratelimiter.operator.settings;

import dev.ratelimiter.settings.Setting;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Every setting of the operator, declared once with its default: {@link OperatorSettings#fromEnv}
 * reads the environment through these, and a test holds the operator table of docs/configuration.md
 * to {@link #ALL}.
 */
public final class OperatorEnvironment {

  /** A namespace name: an RFC 1123 label. */
  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  /** An image reference: no whitespace, no scheme. */
  private static final Pattern IMAGE =
      Pattern.compile("[a-z0-9][^\\s]*(?<!:)", Pattern.CASE_INSENSITIVE);

  /**
   * A host name ({@code redis.shared}) or a suffix of one starting with a dot ({@code .redis.svc}).
   */
  private static final Pattern HOST_OR_SUFFIX =
      Pattern.compile("\\.?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  public static final Setting<String> AGENT_IMAGE =
      image(
          "AGENT_IMAGE",
          "ghcr.io/ratelimiter-dev/agent:" + OperatorSettings.projectVersion(),
          "ghcr.io/ratelimiter-dev/agent:<version>",
          "the image of the agent pods it creates");
  public static final Setting<String> REDIS_IMAGE =
      image(
          "REDIS_IMAGE",
          OperatorSettings.DEFAULT_REDIS_IMAGE,
          OperatorSettings.DEFAULT_REDIS_IMAGE,
          "the image of the Redis it creates");
  public static final Setting<List<String>> WATCH_NAMESPACES =
      Setting.of(
          "WATCH_NAMESPACES",
          List.of(),
          "empty = every namespace",
          "comma-separated namespaces whose policies it reconciles",
          (name, value) -> {
            List<String> out = new ArrayList<>(new LinkedHashSet<>(items(value)));
            for (String ns : out) {
              if (!NAMESPACE.matcher(ns).matches()) {
                throw new IllegalArgumentException(
                    name
                        + ": '"
                        + ns
                        + "' is not a namespace name (lowercase letters, digits and '-', at most 63); write them comma-separated");
              }
            }
            return out;
          });
  public static final Setting<String> OPERATOR_NAMESPACE =
      namespace(
          "OPERATOR_NAMESPACE",
          "the pod's namespace",
          "where the operator runs (the agents admit pushes from there)");
  public static final Setting<List<String>> REDIS_ALLOWED_HOSTS =
      Setting.of(
          "REDIS_ALLOWED_HOSTS",
          List.of(),
          "empty = any host",
          "hosts (or .suffixes) an external spec.redis.url may name",
          (name, value) -> {
            List<String> out = new ArrayList<>();
            for (String host : items(value)) {
              String h = host.toLowerCase(Locale.ROOT);
              if (!HOST_OR_SUFFIX.matcher(h).matches()) {
                throw new IllegalArgumentException(
                    name
                        + ": '"
                        + host
                        + "' is not a host name (redis.shared) or a suffix starting with a dot (.redis.svc)");
              }
              out.add(h);
            }
            return out;
          });
  public static final Setting<Integer> HEALTH_PORT =
      Setting.count(
          "HEALTH_PORT",
          OperatorSettings.DEFAULT_HEALTH_PORT,
          1,
          65535,
          "/healthz, /readyz and /metrics");
  public static final Setting<Boolean> LEADER_ELECTION =
      Setting.bool("LEADER_ELECTION", true, "take the Lease before reconciling");
  public static final Setting<String> LEASE_NAMESPACE =
      namespace("LEASE_NAMESPACE", "the pod's namespace", "where the leader-election Lease lives");

  /** In the order of docs/configuration.md. */
  public static final List<Setting<?>> ALL =
      List.of(
          AGENT_IMAGE,
          REDIS_IMAGE,
          WATCH_NAMESPACES,
          OPERATOR_NAMESPACE,
          REDIS_ALLOWED_HOSTS,
          HEALTH_PORT,
          LEADER_ELECTION,
          LEASE_NAMESPACE);

  private OperatorEnvironment() {}

  private static Setting<String> image(
      String name, String fallback, String defaultText, String meaning) {
    return Setting.of(
        name,
        fallback,
        defaultText,
        meaning,
        (n, v) -> {
          if (!IMAGE.matcher(v).matches()) {
            throw new IllegalArgumentException(
                n + "='" + v + "' is not an image reference like registry.example.com/name:tag");
          }
          return v;
        });
  }

  /** A namespace; unset, null (the pod's namespace is filled in once known). */
  private static Setting<String> namespace(String name, String defaultText, String meaning) {
    return Setting.of(
        name,
        null,
        defaultText,
        meaning,
        (n, v) -> {
          if (!NAMESPACE.matcher(v).matches()) {
            throw new IllegalArgumentException(
                n
                    + "='"
                    + v
                    + "' is not a namespace name (lowercase letters, digits and '-', at most 63)");
          }
          return v;
        });
  }

  private static List<String> items(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
