package dev.ratelimiter.agent.store.redis;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.testsupport.redis.RedisClusterProcesses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The bound on over-admission where it can be reached, for a Cluster shard: on loopback a replica
 * never lags, so {@link RedisClusterTest}'s failover measures none. Here the replica replicates
 * through a proxy the test freezes, so the cluster promotes a replica that missed the increments of
 * the last requests. The clients are those of the shard that fails over.
 */
@DisplayName("A Cluster shard's failover to a replica that missed the last increments")
class RedisClusterLaggingReplicaTest {

  private static final String PASSWORD = "cluster-pass";

  @Test
  @DisplayName(
      "Admits again what the replica missed: more than nothing, at most one quota per client")
  void laggingReplica() throws Exception {
    try (RedisClusterProcesses cluster =
        RedisClusterProcesses.startWithReplicationProxy(PASSWORD)) {
      List<RunningAgent> agents =
          FailoverLoad.agents(cluster.seedUrls(), PASSWORD, RedisMode.Cluster);
      try {
        LaggingReplicaFailover.Outcome outcome =
            LaggingReplicaFailover.run(
                agents,
                key -> RedisClusterProcesses.onMasterWithReplica(HashSlot.of(key)),
                replication(cluster));
        System.out.println("Cluster failover to a lagging replica: " + outcome.summary());
        LaggingReplicaFailover.assertLagCostAtMostOneQuota(outcome);
      } finally {
        agents.forEach(RunningAgent::close);
      }
    }
  }

  private static LaggingReplicaFailover.Replication replication(RedisClusterProcesses cluster) {
    Duration atMost = Duration.ofSeconds(20);
    return new LaggingReplicaFailover.Replication() {
      @Override
      public void awaitCaughtUp() {
        cluster.awaitReplicaCaughtUp(atMost);
      }

      @Override
      public void stop() {
        cluster.replicationProxy().freeze();
      }

      @Override
      public long lagBytes() {
        return cluster.replicationLag();
      }

      @Override
      public String onReplica(String key) {
        // a Cluster replica redirects reads to its master unless the connection is READONLY
        return command(() -> cluster.replica().command("READONLY", "GET " + key));
      }

      @Override
      public String onMaster(String key) {
        return command(() -> cluster.masterWithReplica().command("GET " + key));
      }

      @Override
      public void killMaster() {
        cluster.masterWithReplica().stop();
      }

      @Override
      public void awaitFailover() {
        cluster.awaitFailover(atMost);
      }
    };
  }

  private interface Command {
    String send() throws IOException;
  }

  private static String command(Command command) {
    try {
      return command.send();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
