package dev.ratelimiter.operator;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Settings from the environment. Dependent resources are instantiated by JOSDK, so they read the
 * images from {@link #current()}; tests and {@link OperatorMain} install their own with {@link #use}.
 */
public final class OperatorSettings {

  public static final String DEFAULT_REDIS_IMAGE = "redis:7.4.2-alpine";
  /** The install's namespace (deploy/): where the operator runs unless OPERATOR_NAMESPACE says otherwise. */
  public static final String DEFAULT_OPERATOR_NAMESPACE = "ratelimiter-system";

  private static volatile OperatorSettings current = fromEnv(System.getenv());

  private final String agentImage;
  private final String redisImage;
  private final Set<String> watchNamespaces;
  private final String operatorNamespace;
  private final List<String> redisAllowedHosts;

  public OperatorSettings(String agentImage, String redisImage, Set<String> watchNamespaces) {
    this(agentImage, redisImage, watchNamespaces, DEFAULT_OPERATOR_NAMESPACE);
  }

  public OperatorSettings(String agentImage, String redisImage, Set<String> watchNamespaces, String operatorNamespace) {
    this(agentImage, redisImage, watchNamespaces, operatorNamespace, List.of());
  }

  private OperatorSettings(
      String agentImage, String redisImage, Set<String> watchNamespaces, String operatorNamespace, List<String> redisAllowedHosts) {
    this.agentImage = agentImage;
    this.redisImage = redisImage;
    this.watchNamespaces = Set.copyOf(watchNamespaces);
    this.operatorNamespace = operatorNamespace;
    this.redisAllowedHosts = List.copyOf(redisAllowedHosts);
  }

  public static OperatorSettings fromEnv(Map<String, String> env) {
    String agentImage = nonBlank(env.get("AGENT_IMAGE"), "ghcr.io/ratelimiter-dev/agent:" + projectVersion());
    String redisImage = nonBlank(env.get("REDIS_IMAGE"), DEFAULT_REDIS_IMAGE);
    String ns = env.getOrDefault("WATCH_NAMESPACES", "");
    Set<String> namespaces =
        Arrays.stream(ns.split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
    String operatorNamespace = nonBlank(env.get("OPERATOR_NAMESPACE"), DEFAULT_OPERATOR_NAMESPACE);
    return new OperatorSettings(agentImage, redisImage, namespaces, operatorNamespace)
        .withRedisAllowedHosts(env.getOrDefault("REDIS_ALLOWED_HOSTS", ""));
  }

  /** The same settings with the operator's namespace set (OperatorMain: the pod's, when OPERATOR_NAMESPACE is unset). */
  public OperatorSettings withOperatorNamespace(String namespace) {
    return new OperatorSettings(agentImage, redisImage, watchNamespaces, namespace, redisAllowedHosts);
  }

  /** The same settings with REDIS_ALLOWED_HOSTS: comma-separated host names, or suffixes starting with '.'. */
  public OperatorSettings withRedisAllowedHosts(String commaSeparated) {
    List<String> hosts =
        Arrays.stream(commaSeparated.split(","))
            .map(s -> s.trim().toLowerCase(Locale.ROOT))
            .filter(s -> !s.isEmpty())
            .toList();
    return new OperatorSettings(agentImage, redisImage, watchNamespaces, operatorNamespace, hosts);
  }

  /** The version in the jar's manifest, else the build's {@code project.version}, else "latest". */
  public static String projectVersion() {
    String v = OperatorSettings.class.getPackage().getImplementationVersion();
    if (v == null) {
      v = System.getProperty("project.version");
    }
    return v == null ? "latest" : v;
  }

  private static String nonBlank(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  public static OperatorSettings current() {
    return current;
  }

  public static void use(OperatorSettings settings) {
    current = settings;
  }

  public String agentImage() {
    return agentImage;
  }

  public String redisImage() {
    return redisImage;
  }

  /**
   * Where the operator's pods run: NetworkPolicy {@code <name>-agent} admits the agents' management
   * port only from this namespace (the policy push comes from there).
   */
  public String operatorNamespace() {
    return operatorNamespace;
  }

  /** REDIS_ALLOWED_HOSTS: hosts an external Redis may be on; empty = any. */
  public List<String> redisAllowedHosts() {
    return redisAllowedHosts;
  }

  /** True when REDIS_ALLOWED_HOSTS is unset, names {@code host}, or holds a suffix ({@code .redis.svc}) of it. */
  public boolean redisHostAllowed(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return redisAllowedHosts.isEmpty()
        || redisAllowedHosts.stream().anyMatch(a -> a.startsWith(".") ? h.endsWith(a) : h.equals(a));
  }

  /** Empty = all namespaces. */
  public Set<String> watchNamespaces() {
    return watchNamespaces;
  }
}
