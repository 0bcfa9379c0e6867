package dev.ratelimiter.operator;

import dev.ratelimiter.operator.settings.OperatorEnvironment;
import dev.ratelimiter.operator.settings.OperatorSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Operator settings for tests, changed one at a time ({@code with…}) and then {@link #build()
 * built}. They live here, not in {@link OperatorSettings}: the operator reads its settings from the
 * environment only, and these are built the same way, from the environment they describe ({@link
 * OperatorSettings#fromEnv}), the rest at their defaults.
 */
public final class TestOperatorSettings {

  private final Map<String, String> env;

  private TestOperatorSettings(Map<String, String> env) {
    this.env = env;
  }

  /** The given images and watched namespaces (empty: all), the defaults for the rest. */
  public static TestOperatorSettings of(
      String agentImage, String redisImage, Set<String> watchNamespaces) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put(OperatorEnvironment.AGENT_IMAGE.name(), agentImage);
    env.put(OperatorEnvironment.REDIS_IMAGE.name(), redisImage);
    env.put(OperatorEnvironment.WATCH_NAMESPACES.name(), String.join(",", watchNamespaces));
    return new TestOperatorSettings(env);
  }

  /** OPERATOR_NAMESPACE: where the operator runs. */
  public TestOperatorSettings withOperatorNamespace(String namespace) {
    return with(OperatorEnvironment.OPERATOR_NAMESPACE.name(), namespace);
  }

  /**
   * REDIS_ALLOWED_HOSTS: comma-separated host names, or suffixes starting with '.', an external
   * Redis may be on.
   */
  public TestOperatorSettings withRedisAllowedHosts(String commaSeparated) {
    return with(OperatorEnvironment.REDIS_ALLOWED_HOSTS.name(), commaSeparated);
  }

  public OperatorSettings build() {
    return OperatorSettings.fromEnv(env);
  }

  private TestOperatorSettings with(String name, String value) {
    Map<String, String> changed = new LinkedHashMap<>(env);
    changed.put(name, value);
    return new TestOperatorSettings(changed);
  }
}
