package dev.ratelimiter.agent;

import dev.ratelimiter.agent.backend.BackendTarget;
import dev.ratelimiter.agent.store.redis.RedisMode;
import dev.ratelimiter.agent.store.redis.RedisTarget;
import dev.ratelimiter.agent.store.redis.RedisUrls;
import dev.ratelimiter.policy.InvalidPolicyException;
import dev.ratelimiter.policy.Policy;
import dev.ratelimiter.policy.PolicyManifest;
import dev.ratelimiter.policy.PolicyParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The agent's settings, read from the environment (see docs/configuration.md).
 *
 * @param grpcPort Envoy's rate limit service (gRPC, {@code ShouldRateLimit}); 0 = an ephemeral port
 *     (tests)
 * @param eventLoops public-port verticle instances; each has its own Redis connection
 * @param backend where allowed {@code /api/**} requests are proxied; null = {@code /api} answers
 *     itself
 * @param httpIdleTimeoutSeconds a connection with nothing read or written for this long is closed
 *     (both ports)
 * @param httpHeaderTimeoutSeconds a request's head must be read within this long (both ports)
 * @param httpMaxConnections open connections on the public port; beyond it new ones are closed at
 *     once
 * @param memoryMaxClients clients the in-memory store tracks at most; beyond it the failure policy
 *     decides
 * @param redisTlsCaFile PEM CA certificates trusted for {@code rediss://} (null: the JVM's default
 *     trust store)
 * @param redisMode Standalone, Sentinel ({@code redisUrl} lists sentinels) or Cluster (seed nodes)
 * @param redisMasterName Sentinel only: the master's name (null otherwise)
 * @param warmUpSeconds how long the warm-up before ready may take at most; 0 = none
 * @param memoryFullRefuses {@code MEMORY_FULL=Refuse}: a new client the full in-memory store has no
 *     room for is refused (503) instead of decided by the failure policy
 */
public record AgentSettings(
    String bindAddress,
    int httpPort,
    int managementPort,
    int grpcPort,
    Path policyFile,
    String redisUrl,
    String redisPassword,
    long redisTimeoutMillis,
    String adminToken,
    int eventLoops,
    BackendTarget backend,
    long backendTimeoutMillis,
    int httpIdleTimeoutSeconds,
    int httpHeaderTimeoutSeconds,
    int httpMaxConnections,
    int memoryMaxClients,
    Path redisTlsCaFile,
    RedisMode redisMode,
    String redisMasterName,
    int warmUpSeconds,
    boolean memoryFullRefuses) {

  /** Reads every setting through its declaration in {@link AgentEnvironment}. */
  public static AgentSettings fromEnv(Map<String, String> env) {
    AgentEnvironment.LOG_FORMAT.read(env); // checked here; AgentMain picked the format already
    String redisUrl = AgentEnvironment.REDIS_URL.read(env);
    RedisMode mode = AgentEnvironment.REDIS_MODE.read(env);
    String masterName = AgentEnvironment.REDIS_MASTER_NAME.read(env);
    if (redisUrl == null && (mode != RedisMode.Standalone || masterName != null)) {
      throw new IllegalArgumentException(
          (masterName != null ? "REDIS_MASTER_NAME" : "REDIS_MODE=" + mode)
              + " is set but REDIS_URL is not; give the sentinels or cluster nodes in REDIS_URL");
    }
    RedisTarget redis = redisUrl == null ? null : RedisTarget.parse(redisUrl, mode, masterName);
    String policyFile = AgentEnvironment.POLICY_FILE.read(env);
    String backendUrl = AgentEnvironment.BACKEND_URL.read(env);
    Path caFile = redisTlsCaFile(AgentEnvironment.REDIS_TLS_CA_FILE.read(env), redisUrl);
    int httpPort = AgentEnvironment.HTTP_PORT.read(env);
    int managementPort = AgentEnvironment.MANAGEMENT_PORT.read(env);
    int grpcPort = AgentEnvironment.GRPC_PORT.read(env);
    if (grpcPort != 0 && (grpcPort == httpPort || grpcPort == managementPort)) {
      throw new IllegalArgumentException(
          "GRPC_PORT="
              + grpcPort
              + " is already HTTP_PORT or MANAGEMENT_PORT; give it a port of its own");
    }
    return new AgentSettings(
        AgentEnvironment.BIND_ADDRESS.read(env),
        httpPort,
        managementPort,
        grpcPort,
        policyFile == null ? null : Path.of(policyFile),
        redisUrl,
        AgentEnvironment.REDIS_PASSWORD.read(env),
        AgentEnvironment.REDIS_TIMEOUT_MS.read(env),
        AgentEnvironment.ADMIN_TOKEN.read(env),
        Math.max(1, Runtime.getRuntime().availableProcessors()),
        backendUrl == null ? null : BackendTarget.parse(backendUrl),
        AgentEnvironment.BACKEND_TIMEOUT_MS.read(env),
        AgentEnvironment.HTTP_IDLE_TIMEOUT_SECONDS.read(env),
        AgentEnvironment.HTTP_HEADER_TIMEOUT_SECONDS.read(env),
        AgentEnvironment.HTTP_MAX_CONNECTIONS.read(env),
        AgentEnvironment.MEMORY_MAX_CLIENTS.read(env),
        caFile,
        redis == null ? RedisMode.Standalone : redis.mode(),
        redis == null ? null : redis.masterName(),
        AgentEnvironment.WARM_UP_SECONDS.read(env),
        AgentEnvironment.MEMORY_FULL.read(env).equals("Refuse"));
  }

  /** Where Redis is ({@code REDIS_URL} with the mode); null for the in-memory store. */
  public RedisTarget redisTarget() {
    return redisUrl == null
        ? null
        : RedisTarget.parse(
            redisUrl, redisMode, redisMode == RedisMode.Sentinel ? redisMasterName : null);
  }

  /**
   * The policy of {@code POLICY_FILE} (a policy document or a RateLimitPolicy manifest), or the
   * default (10 per minute per client IP) when none is set.
   */
  public PolicyManifest.Read loadPolicy() throws InvalidPolicyException, IOException {
    if (policyFile == null) {
      return new PolicyManifest.Read(Policy.defaultPolicy(), List.of());
    }
    try {
      return readPolicyFile(policyFile);
    } catch (NoSuchFileException e) {
      throw new IOException("POLICY_FILE " + policyFile + " does not exist");
    }
  }

  /**
   * A policy document or a RateLimitPolicy manifest from {@code file}, for {@code POLICY_FILE} and
   * {@code agent.jar validate} alike.
   *
   * @throws NoSuchFileException when there is no such file
   */
  static PolicyManifest.Read readPolicyFile(Path file) throws InvalidPolicyException, IOException {
    return PolicyParser.read(Files.readString(file));
  }

  private static Path redisTlsCaFile(String value, String redisUrl) {
    if (value == null) {
      return null;
    }
    if (!RedisUrls.isTls(redisUrl)) {
      throw new IllegalArgumentException(
          "REDIS_TLS_CA_FILE is set but REDIS_URL is not a rediss:// URL");
    }
    Path path = Path.of(value);
    if (!Files.isReadable(path)) {
      throw new IllegalArgumentException(
          "REDIS_TLS_CA_FILE " + value + " does not exist or cannot be read");
    }
    return path;
  }
}
