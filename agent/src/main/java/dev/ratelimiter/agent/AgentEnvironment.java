package dev.ratelimiter.agent;

import dev.ratelimiter.agent.store.memory.InMemoryStore;
import dev.ratelimiter.agent.store.redis.RedisMode;
import dev.ratelimiter.contract.AgentContract;
import dev.ratelimiter.settings.Setting;
import java.util.List;

/**
 * Every setting of the agent, declared once with its default: {@link AgentSettings#fromEnv} reads
 * the environment through these, {@code --help} lists them, and a test holds the agent table of
 * docs/configuration.md to {@link #ALL}. Checks that tie two settings together (a CA file needs a
 * {@code rediss://} URL, say) stay in {@code fromEnv}.
 */
public final class AgentEnvironment {

  public static final Setting<String> BIND_ADDRESS =
      Setting.text(AgentContract.Env.BIND_ADDRESS, "0.0.0.0", "address every port listens on");
  public static final Setting<Integer> HTTP_PORT =
      Setting.port(
          AgentContract.Env.HTTP_PORT,
          AgentContract.HTTP_PORT,
          "public port: /api (or the proxy) and /check");
  public static final Setting<Integer> GRPC_PORT =
      Setting.port(
          AgentContract.Env.GRPC_PORT,
          AgentContract.GRPC_PORT,
          "Envoy's rate limit service (gRPC); 0 = ephemeral");
  public static final Setting<Integer> MANAGEMENT_PORT =
      Setting.port(
          AgentContract.Env.MANAGEMENT_PORT,
          AgentContract.MANAGEMENT_PORT,
          "health, metrics, admin API; never public");
  public static final Setting<String> POLICY_FILE =
      Setting.text(
          AgentContract.Env.POLICY_FILE,
          null,
          "policy document or RateLimitPolicy manifest; none = 10/min per IP");
  public static final Setting<String> REDIS_URL =
      Setting.text(
          AgentContract.Env.REDIS_URL,
          null,
          "redis:// or rediss:// endpoint(s); none = in-memory store");
  public static final Setting<RedisMode> REDIS_MODE =
      Setting.of(
          AgentContract.Env.REDIS_MODE,
          RedisMode.Standalone,
          "Standalone",
          "Standalone, Sentinel or Cluster",
          RedisMode::parse);
  public static final Setting<String> REDIS_MASTER_NAME =
      Setting.of(
          AgentContract.Env.REDIS_MASTER_NAME,
          null,
          "mymaster",
          "Sentinel only: the name the sentinels know the master by",
          (name, value) -> value);
  public static final Setting<String> REDIS_PASSWORD =
      Setting.text(AgentContract.Env.REDIS_PASSWORD, null, "Redis password (requirepass)");
  public static final Setting<String> REDIS_TLS_CA_FILE =
      Setting.text("REDIS_TLS_CA_FILE", null, "PEM CA certificates for rediss://");
  public static final Setting<Long> REDIS_TIMEOUT_MS =
      Setting.wholeNumber(
          "REDIS_TIMEOUT_MS", 100, 1, 60_000, "how long Redis has to answer, from the send");
  public static final Setting<Integer> WARM_UP_SECONDS =
      Setting.count("WARM_UP_SECONDS", 10, 0, 60, "longest warm-up before ready; 0 = none");
  public static final Setting<String> ADMIN_TOKEN =
      Setting.text(
          AgentContract.Env.ADMIN_TOKEN, null, "bearer token of the admin API; none = refused");
  public static final Setting<String> BACKEND_URL =
      Setting.text(
          AgentContract.Env.BACKEND_URL, null, "http://host:port[/base] to proxy /api/** to");
  public static final Setting<Long> BACKEND_TIMEOUT_MS =
      Setting.wholeNumber(
          AgentContract.Env.BACKEND_TIMEOUT_MS,
          30_000,
          1,
          3_600_000,
          "the backend must answer within this");
  public static final Setting<Integer> HTTP_IDLE_TIMEOUT_SECONDS =
      Setting.count("HTTP_IDLE_TIMEOUT_SECONDS", 60, 1, 86_400, "idle connections are closed");
  public static final Setting<Integer> HTTP_HEADER_TIMEOUT_SECONDS =
      Setting.count(
          "HTTP_HEADER_TIMEOUT_SECONDS", 30, 1, 3_600, "a request's head must arrive within this");
  public static final Setting<Integer> HTTP_MAX_CONNECTIONS =
      Setting.count(
          "HTTP_MAX_CONNECTIONS", 10_000, 1, 1_000_000, "open connections per public port");
  public static final Setting<Integer> MEMORY_MAX_CLIENTS =
      Setting.count(
          "MEMORY_MAX_CLIENTS",
          InMemoryStore.DEFAULT_MAX_CLIENTS,
          1,
          100_000_000,
          "in-memory store: clients tracked at most");
  public static final Setting<String> MEMORY_FULL =
      Setting.oneOf(
          "MEMORY_FULL",
          "FailurePolicy",
          List.of("FailurePolicy", "Refuse"),
          "a new client while the in-memory store is full: FailurePolicy or Refuse");

  public static final Setting<String> LOG_FORMAT =
      Setting.oneOf(
          "LOG_FORMAT",
          "text",
          List.of("text", "json"),
          "log lines: text, or json (one JSON object per line)");

  /** In the order of docs/configuration.md. */
  public static final List<Setting<?>> ALL =
      List.of(
          BIND_ADDRESS,
          HTTP_PORT,
          GRPC_PORT,
          MANAGEMENT_PORT,
          POLICY_FILE,
          REDIS_URL,
          REDIS_MODE,
          REDIS_MASTER_NAME,
          REDIS_PASSWORD,
          REDIS_TLS_CA_FILE,
          REDIS_TIMEOUT_MS,
          WARM_UP_SECONDS,
          ADMIN_TOKEN,
          BACKEND_URL,
          BACKEND_TIMEOUT_MS,
          HTTP_IDLE_TIMEOUT_SECONDS,
          HTTP_HEADER_TIMEOUT_SECONDS,
          HTTP_MAX_CONNECTIONS,
          MEMORY_MAX_CLIENTS,
          MEMORY_FULL,
          LOG_FORMAT);

  private AgentEnvironment() {}
}
