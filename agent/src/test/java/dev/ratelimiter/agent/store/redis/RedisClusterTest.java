package dev.ratelimiter.agent.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestSettings;
import dev.ratelimiter.agent.store.AcquireResult;
import dev.ratelimiter.agent.store.ConcurrencyContract;
import dev.ratelimiter.agent.store.OnLoop;
import dev.ratelimiter.policy.Algorithm;
import dev.ratelimiter.policy.Limit;
import dev.ratelimiter.testsupport.redis.RedisClusterProcesses;
import dev.ratelimiter.testsupport.redis.RedisServerProcess;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A Redis Cluster of three masters (one with a replica), three agents on four event loops each in
 * Cluster mode: counting is exact across shards, and a shard's failover under load is answered
 * within the failure policy with bounded over-admission. The failover runs last: it leaves the
 * cluster changed.
 */
@DisplayName("Three agents on a Redis Cluster of three masters")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisClusterTest extends ConcurrencyContract {

  private static final String PASSWORD = "cluster-pass";
  private RedisClusterProcesses cluster;
  private final List<RunningAgent> agents = new ArrayList<>();

  @BeforeAll
  void start() {
    cluster = RedisClusterProcesses.start(PASSWORD);
    for (int i = 0; i < 3; i++) {
      // The default Redis timeout: on a loaded machine Redis starves with the agent, and the
      // agent gives it the timeout afresh (StoreDeadline) instead of failing open.
      agents.add(
          startOnSeveralLoops(
              TestSettings.local(cluster.seedUrls(), PASSWORD, null)
                  .withRedisMode(RedisMode.Cluster, null)));
    }
  }

  @AfterAll
  void stop() {
    agents.forEach(RunningAgent::close);
    if (cluster != null) {
      cluster.close();
    }
  }

  @BeforeEach
  void freshCounters() {
    cluster.flushAll();
  }

  @Override
  protected List<RunningAgent> agents() {
    return agents;
  }

  @Override
  protected String counter(String client) {
    return cluster.get(counterKey(client));
  }

  @Test
  @DisplayName(
      "The clients of one burst spread over all three masters (so the exactness above is across shards)")
  void clientsSpreadOverShards() {
    List<Integer> slots = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      slots.add(HashSlot.of(counterKey("198.51.100." + i)));
    }
    assertThat(slots)
        .anyMatch(s -> s <= 5460)
        .anyMatch(s -> s > 5460 && s <= 10922)
        .anyMatch(s -> s > 10922);
  }

  @Test
  @DisplayName(
      "One flush of 60 clients over 60 slots: one script call per master, each client counted once per check, in order")
  void oneCallPerMasterAcrossSlots() throws Exception {
    List<Limit> limits = List.of(new Limit("per-minute", 1000, 60, Algorithm.FixedWindow));
    Vertx vertx = Vertx.vertx();
    RedisStore store = clusterStore(vertx);
    try {
      Context loop = vertx.getOrCreateContext();
      OnLoop.run(loop, store::connectThisLoop).get(10, TimeUnit.SECONDS);
      for (RedisServerProcess master : cluster.masters()) {
        master.command("CONFIG RESETSTAT");
      }
      List<String> clients = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        clients.add("203.0.113." + i);
      }
      assertThat(
              clients.stream()
                  .map(c -> HashSlot.of(LuaScript.key("shop/api", c, limits.get(0))))
                  .distinct())
          .as("slots")
          .hasSize(60);
      // all in one turn of the loop, twice per client: one flush
      CompletableFuture<List<AcquireResult>> answers =
          OnLoop.run(
              loop,
              () -> {
                List<Future<AcquireResult>> all = new ArrayList<>();
                for (String client : clients) {
                  all.add(store.acquire("shop/api", client, limits, 1));
                  all.add(store.acquire("shop/api", client, limits, 1));
                }
                return Future.all(all).map(f -> f.<AcquireResult>list());
              });
      List<AcquireResult> results = answers.get(20, TimeUnit.SECONDS);
      for (int i = 0; i < clients.size(); i++) {
        assertThat(results.get(2 * i).remaining())
            .as("first check's remaining")
            .containsExactly(999);
        assertThat(results.get(2 * i + 1).remaining())
            .as("second check's remaining")
            .containsExactly(998);
        assertThat(cluster.get(LuaScript.key("shop/api", clients.get(i), limits.get(0))))
            .isEqualTo("2");
      }
      long calls = 0;
      for (RedisServerProcess master : cluster.masters()) {
        long runs = master.scriptRuns();
        assertThat(runs).as("script calls on a master that serves some of the slots").isPositive();
        calls += runs;
      }
      assertThat(calls).as("script calls for 120 checks on 60 slots of 3 masters").isEqualTo(3);
    } finally {
      store.close().await();
      vertx.close().await();
    }
  }

  @Test
  @DisplayName(
      "A slot moved to another master after the agent read the slot map: its client is counted there, the other's where it was")
  void slotMovedUnderAStaleMap() throws Exception {
    List<Limit> limits = List.of(new Limit("per-minute", 1000, 60, Algorithm.FixedWindow));
    // two clients on the second master (slots 5461-10922), in different slots
    List<String> clients = new ArrayList<>();
    for (int i = 0; clients.size() < 2; i++) {
      int slot = HashSlot.of(LuaScript.key("shop/api", "192.0.2." + i, limits.get(0)));
      if (slot > 5460
          && slot <= 10922
          && (clients.isEmpty()
              || slot != HashSlot.of(LuaScript.key("shop/api", clients.get(0), limits.get(0))))) {
        clients.add("192.0.2." + i);
      }
    }
    int moved = HashSlot.of(LuaScript.key("shop/api", clients.get(1), limits.get(0)));
    RedisServerProcess from = cluster.masters().get(1);
    RedisServerProcess to = cluster.masters().get(2);
    Vertx vertx = Vertx.vertx();
    RedisStore store = clusterStore(vertx);
    try {
      Context loop = vertx.getOrCreateContext();
      OnLoop.run(loop, store::connectThisLoop).get(10, TimeUnit.SECONDS);
      // the agent has read the slot map; now the slot goes to the third master
      assignSlot(moved, to);
      CompletableFuture<List<AcquireResult>> answers =
          OnLoop.run(
              loop,
              () ->
                  Future.all(
                          store.acquire("shop/api", clients.get(0), limits, 1),
                          store.acquire("shop/api", clients.get(1), limits, 1))
                      .map(f -> f.<AcquireResult>list()));
      List<AcquireResult> results = answers.get(20, TimeUnit.SECONDS);
      assertThat(results).allSatisfy(r -> assertThat(r.remaining()).containsExactly(999));
      for (String client : clients) {
        assertThat(cluster.get(LuaScript.key("shop/api", client, limits.get(0)))).isEqualTo("1");
      }
      assertThat(to.command("DBSIZE")).as("keys on the slot's new master").isEqualTo(":1");
    } finally {
      store.close().await();
      vertx.close().await();
      cluster.flushAll();
      assignSlot(moved, from);
    }
  }

  private RedisStore clusterStore(Vertx vertx) {
    return new RedisStore(
        vertx,
        RedisTarget.parse(cluster.seedUrls(), RedisMode.Cluster, null),
        PASSWORD,
        5_000,
        null);
  }

  /** Gives {@code slot} (holding no keys) to {@code owner}, told to every master. */
  private void assignSlot(int slot, RedisServerProcess owner) throws Exception {
    String id = owner.command("CLUSTER MYID");
    for (RedisServerProcess master : cluster.masters()) {
      assertThat(master.command("CLUSTER SETSLOT " + slot + " NODE " + id)).isEqualTo("+OK");
    }
    owner.command("CLUSTER BUMPEPOCH");
  }

  @Test
  @Order(Integer.MAX_VALUE)
  @DisplayName(
      "Killing a shard's master under load: every request answered within the failure policy, over-admission at most one quota")
  void failover() throws Exception {
    List<RunningAgent> loaded =
        FailoverLoad.agents(cluster.seedUrls(), PASSWORD, RedisMode.Cluster);
    try {
      FailoverLoad.Outcome outcome =
          FailoverLoad.run(
              loaded,
              8,
              key -> RedisClusterProcesses.onMasterWithReplica(HashSlot.of(key)),
              () -> cluster.killMasterWithReplicaAndAwaitFailover(Duration.ofSeconds(30)));
      System.out.println("Cluster failover: " + outcome.summary());
      assertThat(outcome.errors()).as("requests without an answer").isEmpty();
      assertThat(outcome.statuses().keySet())
          .as("answers: 200/429, or 503 from failurePolicy Closed")
          .isSubsetOf(200, 429, 503);
      assertThat(outcome.slowestMillis())
          .as("slowest answer, ms")
          .isLessThan(FailoverLoad.REDIS_TIMEOUT_MILLIS + 2000);
      assertThat(outcome.allowedAfterFailover()).as("admitted after the failover").isPositive();
      assertThat(outcome.worstClientOverAdmission())
          .as("one client's 200s beyond its quota")
          .isLessThanOrEqualTo(FailoverLoad.QUOTA);
    } finally {
      loaded.forEach(RunningAgent::close);
    }
  }
}
