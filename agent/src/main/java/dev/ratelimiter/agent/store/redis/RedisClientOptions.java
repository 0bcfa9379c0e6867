package dev.ratelimiter.agent.store.redis;

import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisReplicas;
import io.vertx.redis.client.RedisRole;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The vertx-redis-client options for a {@link RedisTarget}. Each mode uses the library's own
 * support: redirections (MOVED/ASK), failover discovery and topology changes are the client's.
 *
 * <ul>
 *   <li>Standalone: one endpoint.
 *   <li>Sentinel: the sentinels as endpoints, role MASTER and the master's name: each connect asks
 *       the sentinels for the current master, so a connection made after a failover reaches the
 *       promoted replica.
 *   <li>Cluster: the seed nodes as endpoints; a connection is cluster-aware (it reads the slot map,
 *       sends each command to the master of its keys' slot, follows MOVED and ASK, refreshes the
 *       slot map at most every {@link #SLOT_MAP_TTL_MILLIS} ms or on MOVED). Replicas are never
 *       read.
 * </ul>
 *
 * The password ({@code REDIS_PASSWORD}) and TLS ({@code rediss://}) apply to every endpoint,
 * sentinels included.
 */
final class RedisClientOptions {

  /** How long a Cluster slot map is trusted before it is read again (the library's default too). */
  static final long SLOT_MAP_TTL_MILLIS = 1000;

  private RedisClientOptions() {}

  static RedisOptions of(RedisTarget target, String password, Path tlsCaFile) {
    NetClientOptions net =
        new NetClientOptions().setConnectTimeout(1000).setTcpNoDelay(true).setTcpKeepAlive(true);
    if (target.tls()) {
      // The client takes TLS from these options (the scheme alone only has to agree with them).
      net.setSsl(true)
          .setHostnameVerificationAlgorithm("HTTPS")
          .setSslHandshakeTimeout(2)
          .setSslHandshakeTimeoutUnit(TimeUnit.SECONDS);
      if (tlsCaFile != null) {
        net.setTrustOptions(new PemTrustOptions().addCertPath(tlsCaFile.toString()));
      }
    }
    RedisOptions options =
        new RedisOptions()
            .setEndpoints(target.urls())
            .setMaxPoolSize(64)
            .setMaxPoolWaiting(256)
            .setMaxWaitingHandlers(16_384)
            .setNetClientOptions(net);
    switch (target.mode()) {
      case Standalone -> options.setType(RedisClientType.STANDALONE);
      case Sentinel ->
          options
              .setType(RedisClientType.SENTINEL)
              .setRole(RedisRole.MASTER)
              .setMasterName(target.masterName());
      case Cluster ->
          options
              .setType(RedisClientType.CLUSTER)
              .setUseReplicas(RedisReplicas.NEVER)
              .setHashSlotCacheTTL(SLOT_MAP_TTL_MILLIS);
    }
    if (password != null && !password.isEmpty()) {
      options.setPassword(password);
    }
    return options;
  }
}
