package dev.ratelimiter.agent.store.redis;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.testsupport.redis.RedisSentinelProcesses;
import dev.ratelimiter.testsupport.redis.RedisServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The bound on over-admission where it can be reached: on loopback a replica never lags, so {@link
 * RedisSentinelTest}'s failover measures none. Here the replica replicates through a proxy the test
 * freezes, so the sentinels promote a replica that missed the increments of the last requests.
 */
@DisplayName("A Sentinel failover to a replica that missed the last increments")
class RedisSentinelLaggingReplicaTest {

  private static final String PASSWORD = "sentinel-pass";

  @Test
  @DisplayName(
      "Admits again what the replica missed: more than nothing, at most one quota per client")
  void laggingReplica() throws Exception {
    try (RedisSentinelProcesses sentinel =
        RedisSentinelProcesses.startWithReplicationProxy(PASSWORD)) {
      List<RunningAgent> agents =
          FailoverLoad.agents(sentinel.sentinelUrls(), PASSWORD, RedisMode.Sentinel);
      try {
        LaggingReplicaFailover.Outcome outcome =
            LaggingReplicaFailover.run(agents, key -> true, replication(sentinel));
        System.out.println("Sentinel failover to a lagging replica: " + outcome.summary());
        LaggingReplicaFailover.assertLagCostAtMostOneQuota(outcome);
      } finally {
        agents.forEach(RunningAgent::close);
      }
    }
  }

  private static LaggingReplicaFailover.Replication replication(RedisSentinelProcesses sentinel) {
    Duration atMost = Duration.ofSeconds(20);
    return new LaggingReplicaFailover.Replication() {
      @Override
      public void awaitCaughtUp() {
        sentinel.awaitReplicaCaughtUp(atMost);
      }

      @Override
      public void stop() {
        sentinel.replicationProxy().freeze();
      }

      @Override
      public long lagBytes() {
        return sentinel.replicationLag();
      }

      @Override
      public String onReplica(String key) {
        return get(sentinel.replica(), key);
      }

      @Override
      public String onMaster(String key) {
        return get(sentinel.master(), key);
      }

      @Override
      public void killMaster() {
        sentinel.master().stop();
      }

      @Override
      public void awaitFailover() {
        sentinel.awaitFailover(atMost);
      }
    };
  }

  private static String get(RedisServerProcess node, String key) {
    try {
      return node.command("GET " + key);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
