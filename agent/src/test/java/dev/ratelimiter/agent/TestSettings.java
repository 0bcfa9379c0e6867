package dev.ratelimiter.agent;

import dev.ratelimiter.agent.backend.BackendTarget;
import dev.ratelimiter.agent.store.redis.RedisMode;
import dev.ratelimiter.agent.store.redis.RedisTarget;
import java.nio.file.Path;

/**
 * Agent settings for tests and embedding, changed one at a time ({@code with…}) and then {@link
 * #build() built}. They live here, not in {@link AgentSettings}: a running agent reads its settings
 * from the environment only.
 */
public final class TestSettings {

  private final AgentSettings settings;

  private TestSettings(AgentSettings settings) {
    this.settings = settings;
  }

  public AgentSettings build() {
    return settings;
  }

  /**
   * Loopback, ephemeral ports, one event loop, no warm-up (an agent started inside a running JVM
   * has its code compiled already; {@link #withWarmUpSeconds}).
   */
  public static TestSettings local(String redisUrl, String redisPassword, String adminToken) {
    return new TestSettings(
        new AgentSettings(
            "127.0.0.1",
            0,
            0,
            0,
            null,
            redisUrl,
            redisPassword,
            100,
            adminToken,
            1,
            null,
            AgentEnvironment.BACKEND_TIMEOUT_MS.defaultValue(),
            AgentEnvironment.HTTP_IDLE_TIMEOUT_SECONDS.defaultValue(),
            AgentEnvironment.HTTP_HEADER_TIMEOUT_SECONDS.defaultValue(),
            AgentEnvironment.HTTP_MAX_CONNECTIONS.defaultValue(),
            AgentEnvironment.MEMORY_MAX_CLIENTS.defaultValue(),
            null,
            RedisMode.Standalone,
            null,
            0,
            false));
  }

  public TestSettings withRedisTimeoutMillis(long millis) {
    return copy(c -> c.redisTimeoutMillis = millis);
  }

  /** The same settings with {@code loops} public-port verticles, each on its own event loop. */
  public TestSettings withEventLoops(int loops) {
    return copy(c -> c.eventLoops = loops);
  }

  /** The same settings, proxying allowed {@code /api/**} requests to {@code backendUrl}. */
  public TestSettings withBackend(String backendUrl, long timeoutMillis) {
    BackendTarget target = BackendTarget.parse(backendUrl);
    return copy(
        c -> {
          c.backend = target;
          c.backendTimeoutMillis = timeoutMillis;
        });
  }

  public TestSettings withConnectionLimits(
      int idleTimeoutSeconds, int headerTimeoutSeconds, int maxConnections) {
    return copy(
        c -> {
          c.httpIdleTimeoutSeconds = idleTimeoutSeconds;
          c.httpHeaderTimeoutSeconds = headerTimeoutSeconds;
          c.httpMaxConnections = maxConnections;
        });
  }

  public TestSettings withWarmUpSeconds(int seconds) {
    return copy(c -> c.warmUpSeconds = seconds);
  }

  public TestSettings withMemoryFullRefuses(boolean refuses) {
    return copy(c -> c.memoryFullRefuses = refuses);
  }

  public TestSettings withMemoryMaxClients(int maxClients) {
    return copy(c -> c.memoryMaxClients = maxClients);
  }

  public TestSettings withRedisTlsCaFile(Path caFile) {
    return copy(c -> c.redisTlsCaFile = caFile);
  }

  /**
   * The same settings in Redis mode {@code mode}, e.g. Cluster with seed nodes in {@code redisUrl}.
   */
  public TestSettings withRedisMode(RedisMode mode, String masterName) {
    RedisTarget.parse(settings.redisUrl(), mode, masterName);
    return copy(
        c -> {
          c.redisMode = mode;
          c.redisMasterName = masterName;
        });
  }

  public TestSettings withPorts(int httpPort, int managementPort, int grpcPort) {
    return copy(
        c -> {
          c.httpPort = httpPort;
          c.managementPort = managementPort;
          c.grpcPort = grpcPort;
        });
  }

  /**
   * These settings with {@code change} applied to a copy (the {@code with…} methods, for tests).
   */
  private TestSettings copy(java.util.function.Consumer<Copy> change) {
    Copy c = new Copy(settings);
    change.accept(c);
    return new TestSettings(c.build());
  }

  /** A mutable copy of every setting, so each {@code with…} method names only what it changes. */
  private static final class Copy {
    private final String bindAddress;
    private int httpPort;
    private int managementPort;
    private int grpcPort;
    private final Path policyFile;
    private final String redisUrl;
    private final String redisPassword;
    private long redisTimeoutMillis;
    private final String adminToken;
    private int eventLoops;
    private BackendTarget backend;
    private long backendTimeoutMillis;
    private int httpIdleTimeoutSeconds;
    private int httpHeaderTimeoutSeconds;
    private int httpMaxConnections;
    private int memoryMaxClients;
    private Path redisTlsCaFile;
    private RedisMode redisMode;
    private String redisMasterName;
    private int warmUpSeconds;
    private boolean memoryFullRefuses;

    Copy(AgentSettings s) {
      bindAddress = s.bindAddress();
      httpPort = s.httpPort();
      managementPort = s.managementPort();
      grpcPort = s.grpcPort();
      policyFile = s.policyFile();
      redisUrl = s.redisUrl();
      redisPassword = s.redisPassword();
      redisTimeoutMillis = s.redisTimeoutMillis();
      adminToken = s.adminToken();
      eventLoops = s.eventLoops();
      backend = s.backend();
      backendTimeoutMillis = s.backendTimeoutMillis();
      httpIdleTimeoutSeconds = s.httpIdleTimeoutSeconds();
      httpHeaderTimeoutSeconds = s.httpHeaderTimeoutSeconds();
      httpMaxConnections = s.httpMaxConnections();
      memoryMaxClients = s.memoryMaxClients();
      redisTlsCaFile = s.redisTlsCaFile();
      redisMode = s.redisMode();
      redisMasterName = s.redisMasterName();
      warmUpSeconds = s.warmUpSeconds();
      memoryFullRefuses = s.memoryFullRefuses();
    }

    AgentSettings build() {
      return new AgentSettings(
          bindAddress,
          httpPort,
          managementPort,
          grpcPort,
          policyFile,
          redisUrl,
          redisPassword,
          redisTimeoutMillis,
          adminToken,
          eventLoops,
          backend,
          backendTimeoutMillis,
          httpIdleTimeoutSeconds,
          httpHeaderTimeoutSeconds,
          httpMaxConnections,
          memoryMaxClients,
          redisTlsCaFile,
          redisMode,
          redisMasterName,
          warmUpSeconds,
          memoryFullRefuses);
    }
  }
}
