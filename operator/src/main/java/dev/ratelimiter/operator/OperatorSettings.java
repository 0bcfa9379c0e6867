package dev.ratelimiter.operator;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Settings from the environment. Dependent resources are instantiated by JOSDK, so they read the
 * images from {@link #current()}; tests and {@link OperatorMain} install their own with {@link #use}.
 */
public final class OperatorSettings {

  public static final String DEFAULT_REDIS_IMAGE = "redis:7.4.2-alpine";

  private static volatile OperatorSettings current = fromEnv(System.getenv());

  private final String agentImage;
  private final String redisImage;
  private final Set<String> watchNamespaces;

  public OperatorSettings(String agentImage, String redisImage, Set<String> watchNamespaces) {
    this.agentImage = agentImage;
    this.redisImage = redisImage;
    this.watchNamespaces = Set.copyOf(watchNamespaces);
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
    return new OperatorSettings(agentImage, redisImage, namespaces);
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

  /** Empty = all namespaces. */
  public Set<String> watchNamespaces() {
    return watchNamespaces;
  }
}
