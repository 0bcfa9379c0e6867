package dev.ratelimiter.operator;

import dev.ratelimiter.operator.customresource.AgentSpec;
import dev.ratelimiter.operator.customresource.Algorithm;
import dev.ratelimiter.operator.customresource.ClientKeySource;
import dev.ratelimiter.operator.customresource.FailurePolicy;
import dev.ratelimiter.operator.customresource.ForwardedHeader;
import dev.ratelimiter.operator.customresource.ServiceType;
import dev.ratelimiter.operator.customresource.Autoscaling;
import dev.ratelimiter.operator.customresource.Backend;
import dev.ratelimiter.operator.customresource.ClientKey;
import dev.ratelimiter.operator.customresource.ExternalRedis;
import dev.ratelimiter.operator.customresource.Limit;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.customresource.SecretKeyRef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator's own check of a spec. The CRD schema rejects most of this at {@code kubectl apply};
 * this catches what got past it (an API server without the schema, the mock server in tests).
 * Each problem names the field, e.g. {@code spec.limits[1].window: ...}.
 */
public final class PolicyValidator {

  private static final Pattern NAME = Pattern.compile(Limit.NAME_PATTERN);
  private static final Pattern WINDOW = Pattern.compile("^(?:([0-9]{1,5})h)?(?:([0-9]{1,5})m)?(?:([0-9]{1,5})s)?$");
  private static final Pattern URL = Pattern.compile(ExternalRedis.URL_PATTERN);
  private static final Pattern SERVICE = Pattern.compile(Backend.SERVICE_PATTERN);
  private static final long MAX_WINDOW_SECONDS = 24 * 3600;

  private PolicyValidator() {}

  /** Problems found in the policy's spec, including those that depend on its name. */
  public static List<String> validate(RateLimitPolicy policy) {
    List<String> problems = validate(policy.getSpec());
    Backend backend = policy.getSpec() == null ? null : policy.getSpec().getBackend();
    if (backend != null && backend.getService() != null) {
      String service = backend.getService();
      if (service.equals(Names.agentService(policy)) || service.equals(Names.redisService(policy))) {
        problems.add("spec.backend.service: must not be a Service the operator creates for this policy ('"
            + Names.agentService(policy) + "' is the agents' own, '" + Names.redisService(policy) + "' its Redis), got '" + service + "'");
      }
    }
    return problems;
  }

  /** Problems found, empty when the spec is valid. */
  public static List<String> validate(RateLimitPolicySpec spec) {
    List<String> problems = new ArrayList<>();
    if (spec == null) {
      return problems;
    }
    if (spec.getFailurePolicy() == FailurePolicy.Unsupported) {
      problems.add(unsupported("spec.failurePolicy", FailurePolicy.values()));
    }
    validateLimits(spec.getLimits(), problems);
    validateClientKey(spec.getClientKey(), problems);
    validateAgent(spec.getAgent(), problems);
    if (spec.getBackend() != null) {
      validateBackend(spec.getBackend(), problems);
    }
    if (spec.getRedis() != null && spec.getRedis().getExternal() != null) {
      validateExternalRedis(spec.getRedis().getExternal(), problems);
    }
    return problems;
  }

  private static void validateLimits(List<Limit> limits, List<String> problems) {
    if (limits == null) {
      return;
    }
    if (limits.isEmpty()) {
      problems.add("spec.limits: must hold at least one limit (or be left out for the default)");
    }
    if (limits.size() > 16) {
      problems.add("spec.limits: at most 16 limits, got " + limits.size());
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < limits.size(); i++) {
      String at = "spec.limits[" + i + "]";
      Limit l = limits.get(i);
      if (l == null) {
        problems.add(at + ": must not be null");
        continue;
      }
      if (l.getName() == null || l.getName().length() > 63 || !NAME.matcher(l.getName()).matches()) {
        problems.add(at + ".name: must be a DNS label (lower-case letters, digits, '-'), got '" + l.getName() + "'");
      } else if (!seen.add(l.getName())) {
        problems.add(at + ".name: duplicate limit name '" + l.getName() + "'");
      }
      if (l.getRequests() == null || l.getRequests() < 1 || l.getRequests() > Limit.MAX_REQUESTS) {
        problems.add(at + ".requests: must be between 1 and 1000000000, got " + l.getRequests());
      }
      if (l.getAlgorithm() == Algorithm.Unsupported) {
        problems.add(unsupported(at + ".algorithm", Algorithm.values()));
      }
      if (windowSeconds(l.getWindow()).filter(s -> s >= 1 && s <= MAX_WINDOW_SECONDS).isEmpty()) {
        problems.add(at + ".window: must be whole seconds between 1s and 24h written like 30s, 1m, 1h30m, got '" + l.getWindow() + "'");
      }
    }
  }

  private static String unsupported(String field, Enum<?>[] values) {
    String supported = java.util.Arrays.stream(values).map(Enum::name).filter(n -> !n.equals("Unsupported")).collect(java.util.stream.Collectors.joining(", "));
    return field + ": value not supported by this operator version (supported: " + supported + ")";
  }

  /** Seconds in a window like {@code 1h30m}; empty when it is not written that way. */
  public static Optional<Long> windowSeconds(String window) {
    if (window == null || window.isEmpty()) {
      return Optional.empty();
    }
    Matcher m = WINDOW.matcher(window);
    if (!m.matches()) {
      return Optional.empty();
    }
    long seconds = 0;
    long[] unit = {3600, 60, 1};
    for (int g = 1; g <= 3; g++) {
      if (m.group(g) != null) {
        seconds += Long.parseLong(m.group(g)) * unit[g - 1];
      }
    }
    return Optional.of(seconds);
  }

  private static void validateClientKey(ClientKey ck, List<String> problems) {
    if (ck == null) {
      return;
    }
    if (ck.getSource() == ClientKeySource.Unsupported) {
      problems.add(unsupported("spec.clientKey.source", ClientKeySource.values()));
    }
    if (ck.getForwardedHeader() == ForwardedHeader.Unsupported) {
      problems.add(unsupported("spec.clientKey.forwardedHeader", ForwardedHeader.values()));
    }
    Integer prefix = ck.getIpv6PrefixLength();
    if (prefix != null && (prefix < ClientKey.MIN_IPV6_PREFIX || prefix > 128)) {
      problems.add("spec.clientKey.ipv6PrefixLength: must be between " + ClientKey.MIN_IPV6_PREFIX + " and 128, got " + prefix);
    }
    List<String> proxies = ck.effectiveTrustedProxies();
    for (int i = 0; i < proxies.size(); i++) {
      String at = "spec.clientKey.trustedProxies[" + i + "]";
      if (!Cidr.isValid(proxies.get(i))) {
        problems.add(at + ": not a CIDR like 10.0.0.0/8 or fd00::/8, got '" + proxies.get(i) + "'");
      } else if (Cidr.prefixLength(proxies.get(i)) == 0) {
        problems.add(at + ": '" + proxies.get(i) + "' would trust every address, so any client could choose its own key;"
            + " list the proxies' own addresses");
      }
    }
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
        problems.add("spec.agent.autoscaling.maxReplicas: must be between 1 and 1000, got " + as.getMaxReplicas());
      }
      if (as.getMinReplicas() != null && (as.getMinReplicas() < 1 || as.getMinReplicas() > 1000)) {
        problems.add("spec.agent.autoscaling.minReplicas: must be between 1 and 1000, got " + as.getMinReplicas());
      } else if (as.getMaxReplicas() != null && as.effectiveMinReplicas() > as.getMaxReplicas()) {
        problems.add("spec.agent.autoscaling.minReplicas: must not exceed maxReplicas (" + as.getMaxReplicas() + "), got " + as.effectiveMinReplicas());
      }
      Integer cpu = as.getTargetCPUUtilizationPercentage();
      if (cpu != null && (cpu < 1 || cpu > 100)) {
        problems.add("spec.agent.autoscaling.targetCPUUtilizationPercentage: must be between 1 and 100, got " + cpu);
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
    if (service == null || service.length() > Backend.MAX_SERVICE_LENGTH || !SERVICE.matcher(service).matches()) {
      problems.add("spec.backend.service: must be a Service name (a DNS-1035 label: at most 63 lower-case letters, digits"
          + " and '-', starting with a letter), got '" + service + "'");
    }
    Integer port = backend.getPort();
    if (port == null || port < 1 || port > 65535) {
      problems.add("spec.backend.port: must be between 1 and 65535, got " + port);
    }
    Integer timeout = backend.getTimeoutSeconds();
    if (timeout != null && (timeout < 1 || timeout > Backend.MAX_TIMEOUT_SECONDS)) {
      problems.add("spec.backend.timeoutSeconds: must be between 1 and " + Backend.MAX_TIMEOUT_SECONDS + ", got " + timeout);
    }
  }

  private static void validateExternalRedis(ExternalRedis ext, List<String> problems) {
    if (ext.getUrl() != null && RedisUrls.hasUserInfo(ext.getUrl())) {
      // the agent's environment would hold the password in plain sight; the URL is not echoed
      problems.add("spec.redis.external.url: must not carry credentials (user:password@); put the password in a Secret"
          + " and name it in spec.redis.external.passwordSecretRef");
    } else if (ext.getUrl() == null || !URL.matcher(ext.getUrl()).matches()) {
      problems.add("spec.redis.external.url: must be a redis:// or rediss:// URL, got '" + ext.getUrl() + "'");
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
