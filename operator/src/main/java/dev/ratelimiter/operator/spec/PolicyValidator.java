package dev.ratelimiter.operator.spec;

import dev.ratelimiter.operator.customresource.AgentSpec;
import dev.ratelimiter.operator.customresource.Autoscaling;
import dev.ratelimiter.operator.customresource.Backend;
import dev.ratelimiter.operator.customresource.ExternalRedis;
import dev.ratelimiter.operator.customresource.ExternalRedisMode;
import dev.ratelimiter.operator.customresource.PolicyNameRules;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.customresource.SecretKeyRef;
import dev.ratelimiter.operator.customresource.ServiceType;
import dev.ratelimiter.policy.InvalidPolicyException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The operator's own check of a spec. The CRD schema rejects most of this at {@code kubectl apply};
 * this catches what got past it (an API server without the schema, the mock server in tests). The
 * policy fields (limits, client key, failure policy) are judged by the shared policy rules, the
 * agent's own ({@link SpecDocument}); what is checked here needs Kubernetes context: the agent
 * fleet, the backend Service, the external Redis. Each problem names the field, e.g. {@code
 * spec.limits[1].window: ...}.
 */
public final class PolicyValidator {

  private static final Pattern URL = Pattern.compile(ExternalRedis.URL_PATTERN);
  private static final Pattern SERVICE = Pattern.compile(Backend.SERVICE_PATTERN);
  private static final Pattern DNS_1035 = Pattern.compile(PolicyNameRules.DNS_1035_LABEL);

  private PolicyValidator() {}

  /** Problems found in the policy's spec, including those that depend on its name. */
  public static List<String> validate(RateLimitPolicy policy) {
    List<String> problems = new ArrayList<>();
    validateName(policy.getMetadata().getName(), problems);
    problems.addAll(validate(policy.getSpec()));
    Backend backend = policy.getSpec() == null ? null : policy.getSpec().getBackend();
    if (backend != null && backend.getService() != null) {
      String service = backend.getService();
      if (service.equals(Names.agentService(policy))
          || service.equals(Names.redisService(policy))) {
        problems.add(
            "spec.backend.service: must not be a Service the operator creates for this policy ('"
                + Names.agentService(policy)
                + "' is the agents' own, '"
                + Names.redisService(policy)
                + "' its Redis), got '"
                + service
                + "'");
      }
    }
    return problems;
  }

  /**
   * The policy's name must make object names a real API server accepts (the mock server in tests
   * accepts anything): the Service {@code <name>} is a DNS-1035 label, and every name and label
   * value is at most 63 characters.
   */
  static void validateName(String name, List<String> problems) {
    if (name == null) {
      return;
    }
    if (name.length() > PolicyNameRules.MAX_POLICY_NAME_LENGTH) {
      String longest =
          Names.objectNames(name).stream()
              .max(java.util.Comparator.comparingInt(String::length))
              .orElseThrow();
      problems.add(
          "metadata.name: '"
              + name
              + "' is "
              + name.length()
              + " characters; the longest object name it makes, '"
              + longest
              + "', would be "
              + longest.length()
              + " > "
              + PolicyNameRules.MAX_NAME_LENGTH
              + " (a policy name has at most "
              + PolicyNameRules.MAX_POLICY_NAME_LENGTH
              + " characters)");
    }
    if (!DNS_1035.matcher(name).matches()) {
      problems.add(
          "metadata.name: '"
              + name
              + "' is not a DNS-1035 label (lower-case letters, digits and '-', starting with a"
              + " letter and ending with a letter or digit), which the policy's Service '"
              + name
              + "' needs");
    }
  }

  /** Problems found, empty when the spec is valid. */
  public static List<String> validate(RateLimitPolicySpec spec) {
    List<String> problems = new ArrayList<>();
    if (spec == null) {
      return problems;
    }
    validatePolicyRules(spec, problems);
    validateAgent(spec.getAgent(), problems);
    if (spec.getBackend() != null) {
      validateBackend(spec.getBackend(), problems);
    }
    if (spec.getRedis() != null && spec.getRedis().getExternal() != null) {
      validateExternalRedis(spec.getRedis().getExternal(), problems);
    }
    return problems;
  }

  /** The shared policy rules ({@code dev.ratelimiter.policy}), on the spec's policy fields. */
  private static void validatePolicyRules(RateLimitPolicySpec spec, List<String> problems) {
    try {
      SpecDocument.policy(spec);
    } catch (InvalidPolicyException e) {
      problems.add((e.field().isEmpty() ? "spec" : "spec." + e.field()) + ": " + e.problem());
    }
  }

  private static String unsupported(String field, Enum<?>[] values) {
    String supported =
        Arrays.stream(values)
            .map(Enum::name)
            .filter(n -> !n.equals("Unsupported"))
            .collect(Collectors.joining(", "));
    return field + ": value not supported by this operator version (supported: " + supported + ")";
  }

  private static void validateAgent(AgentSpec agent, List<String> problems) {
    if (agent == null) {
      return;
    }
    if (agent.getReplicas() != null && (agent.getReplicas() < 1 || agent.getReplicas() > 1000)) {
      problems.add("spec.agent.replicas: must be between 1 and 1000, got " + agent.getReplicas());
    }
    Autoscaling as = agent.getAutoscaling();
    if (as != null) {
      if (as.getMaxReplicas() == null || as.getMaxReplicas() < 1 || as.getMaxReplicas() > 1000) {
        problems.add(
            "spec.agent.autoscaling.maxReplicas: must be between 1 and 1000, got "
                + as.getMaxReplicas());
      }
      if (as.getMinReplicas() != null && (as.getMinReplicas() < 1 || as.getMinReplicas() > 1000)) {
        problems.add(
            "spec.agent.autoscaling.minReplicas: must be between 1 and 1000, got "
                + as.getMinReplicas());
      } else if (as.getMaxReplicas() != null && as.effectiveMinReplicas() > as.getMaxReplicas()) {
        problems.add(
            "spec.agent.autoscaling.minReplicas: must not exceed maxReplicas ("
                + as.getMaxReplicas()
                + "), got "
                + as.effectiveMinReplicas());
      }
      Integer cpu = as.getTargetCPUUtilizationPercentage();
      if (cpu != null && (cpu < 1 || cpu > 100)) {
        problems.add(
            "spec.agent.autoscaling.targetCPUUtilizationPercentage: must be between 1 and 100, got "
                + cpu);
      }
    }
    if (agent.getService() != null && agent.getService().getType() == ServiceType.Unsupported) {
      problems.add(unsupported("spec.agent.service.type", ServiceType.values()));
    }
    if (agent.getService() != null && agent.getService().getPort() != null) {
      int port = agent.getService().getPort();
      if (port < 1 || port > 65535) {
        problems.add("spec.agent.service.port: must be between 1 and 65535, got " + port);
      }
    }
  }

  private static void validateBackend(Backend backend, List<String> problems) {
    String service = backend.getService();
    if (service == null
        || service.length() > Backend.MAX_SERVICE_LENGTH
        || !SERVICE.matcher(service).matches()) {
      problems.add(
          "spec.backend.service: must be a Service name (a DNS-1035 label: at most 63 lower-case letters, digits"
              + " and '-', starting with a letter), got '"
              + service
              + "'");
    }
    Integer port = backend.getPort();
    if (port == null || port < 1 || port > 65535) {
      problems.add("spec.backend.port: must be between 1 and 65535, got " + port);
    }
    Integer timeout = backend.getTimeoutSeconds();
    if (timeout != null && (timeout < 1 || timeout > Backend.MAX_TIMEOUT_SECONDS)) {
      problems.add(
          "spec.backend.timeoutSeconds: must be between 1 and "
              + Backend.MAX_TIMEOUT_SECONDS
              + ", got "
              + timeout);
    }
  }

  private static void validateExternalRedis(ExternalRedis ext, List<String> problems) {
    if (ext.getUrl() != null && RedisUrls.hasUserInfo(ext.getUrl())) {
      // the agent's environment would hold the password in plain sight; the URL is not echoed
      problems.add(
          "spec.redis.external.url: must not carry credentials (user:password@); put the password in a Secret"
              + " and name it in spec.redis.external.passwordSecretRef");
    } else if (ext.getUrl() == null || !URL.matcher(ext.getUrl()).matches()) {
      problems.add(
          "spec.redis.external.url: must be a redis:// or rediss:// URL, got '"
              + ext.getUrl()
              + "'");
    }
    String mode = ext.effectiveMode();
    boolean knownMode =
        java.util.Arrays.stream(ExternalRedisMode.values()).anyMatch(m -> m.name().equals(mode));
    if (!knownMode) {
      problems.add(
          "spec.redis.external.mode: must be Standalone, Sentinel or Cluster, got '" + mode + "'");
    }
    if (ext.getMasterName() != null && !ExternalRedisMode.Sentinel.name().equals(mode)) {
      problems.add(
          "spec.redis.external.masterName: applies to mode Sentinel only, the mode is " + mode);
    } else if (ext.getMasterName() != null
        && !ext.getMasterName().matches(ExternalRedis.MASTER_NAME_PATTERN)) {
      problems.add(
          "spec.redis.external.masterName: must be 1 to 128 letters, digits, '.', '_', ':' or '-', got '"
              + ext.getMasterName()
              + "'");
    }
    if (ext.getUrl() != null
        && ext.getUrl().contains(",")
        && ExternalRedisMode.Standalone.name().equals(mode)) {
      problems.add(
          "spec.redis.external.url: several comma-separated endpoints need mode Sentinel (the sentinels) or Cluster (seed nodes)");
    }
    if (ext.getUrl() != null
        && ext.getUrl().contains("redis://")
        && ext.getUrl().contains("rediss://")) {
      problems.add(
          "spec.redis.external.url: mixes redis:// and rediss:// endpoints; TLS applies to all of them");
    }
    SecretKeyRef ref = ext.getPasswordSecretRef();
    if (ref != null) {
      if (ref.getName() == null || ref.getName().isBlank()) {
        problems.add("spec.redis.external.passwordSecretRef.name: required");
      }
      if (ref.getKey() == null || ref.getKey().isBlank()) {
        problems.add("spec.redis.external.passwordSecretRef.key: required");
      }
    }
  }
}
