package dev.ratelimiter.operator.spec;

import dev.ratelimiter.contract.AgentContract;
import dev.ratelimiter.operator.customresource.Backend;
import dev.ratelimiter.operator.customresource.PolicyNameRules;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import java.util.List;

/** Names of the objects the operator creates for a policy, and the addresses derived from them. */
public final class Names {

  public static final String POLICY_KEY = "policy.yaml";
  public static final String POLICY_MOUNT_DIR = "/etc/ratelimiter";
  public static final String POLICY_FILE = POLICY_MOUNT_DIR + "/" + POLICY_KEY;
  public static final String ADMIN_TOKEN_KEY = "token";
  public static final String REDIS_PASSWORD_KEY = "password";
  public static final int AGENT_HTTP_PORT = AgentContract.HTTP_PORT;
  public static final int AGENT_MANAGEMENT_PORT = AgentContract.MANAGEMENT_PORT;

  /** The agent's gRPC port (Envoy rate limit service), admitted like the public port. */
  public static final int AGENT_GRPC_PORT = AgentContract.GRPC_PORT;

  public static final int REDIS_PORT = 6379;
  public static final String AGENT_SUFFIX = "-agent";
  public static final String AGENT_POLICY_SUFFIX = PolicyNameRules.AGENT_POLICY_SUFFIX;
  public static final String AGENT_ADMIN_SUFFIX = "-agent-admin";
  public static final String REDIS_SUFFIX = "-redis";
  public static final String REDIS_AUTH_SUFFIX = "-redis-auth";

  private Names() {}

  /**
   * Every object name the operator may make for policy {@code name} (label values among them: the
   * name itself).
   */
  public static List<String> objectNames(String name) {
    return List.of(
        name,
        name + AGENT_SUFFIX,
        name + AGENT_POLICY_SUFFIX,
        name + AGENT_ADMIN_SUFFIX,
        name + REDIS_SUFFIX,
        name + REDIS_AUTH_SUFFIX);
  }

  /** The public Service: the policy's own name. */
  public static String agentService(RateLimitPolicy p) {
    return p.getMetadata().getName();
  }

  public static String agentDeployment(RateLimitPolicy p) {
    return p.getMetadata().getName() + AGENT_SUFFIX;
  }

  public static String agentPolicyConfigMap(RateLimitPolicy p) {
    return p.getMetadata().getName() + AGENT_POLICY_SUFFIX;
  }

  public static String agentAdminSecret(RateLimitPolicy p) {
    return p.getMetadata().getName() + AGENT_ADMIN_SUFFIX;
  }

  public static String agentHpa(RateLimitPolicy p) {
    return agentDeployment(p);
  }

  public static String agentPdb(RateLimitPolicy p) {
    return agentDeployment(p);
  }

  public static String agentNetworkPolicy(RateLimitPolicy p) {
    return agentDeployment(p);
  }

  public static String redisDeployment(RateLimitPolicy p) {
    return p.getMetadata().getName() + REDIS_SUFFIX;
  }

  public static String redisService(RateLimitPolicy p) {
    return redisDeployment(p);
  }

  public static String redisNetworkPolicy(RateLimitPolicy p) {
    return redisDeployment(p);
  }

  public static String redisAuthSecret(RateLimitPolicy p) {
    return p.getMetadata().getName() + REDIS_AUTH_SUFFIX;
  }

  /** {@code redis://<name>-redis.<namespace>.svc:6379} */
  public static String internalRedisUrl(RateLimitPolicy p) {
    return "redis://"
        + redisService(p)
        + "."
        + p.getMetadata().getNamespace()
        + ".svc:"
        + REDIS_PORT;
  }

  /**
   * {@code http://<service>.<namespace>.svc:<port>}: where the agents proxy allowed {@code /api/**}
   * requests.
   */
  public static String backendUrl(RateLimitPolicy p, Backend backend) {
    return "http://"
        + backend.getService()
        + "."
        + p.getMetadata().getNamespace()
        + ".svc:"
        + backend.getPort();
  }

  /** {@code <namespace>/<name>}: scopes the agent's Redis keys. */
  public static String policyId(RateLimitPolicy p) {
    return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
  }

  /** {@code http://<name>.<namespace>.svc:<port>/api} */
  public static String endpoint(RateLimitPolicy p) {
    int port = p.getSpec().effectiveAgent().effectiveService().effectivePort();
    return "http://"
        + agentService(p)
        + "."
        + p.getMetadata().getNamespace()
        + ".svc:"
        + port
        + "/api";
  }
}
