package dev.ratelimiter.agent.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.agent.store.memory.InMemoryStore;
import dev.ratelimiter.agent.store.redis.RedisMode;
import dev.ratelimiter.agent.store.redis.RedisStore;
import dev.ratelimiter.agent.store.redis.RedisTarget;
import dev.ratelimiter.policy.Algorithm;
import dev.ratelimiter.policy.Limit;
import dev.ratelimiter.testsupport.redis.RedisClusterProcesses;
import dev.ratelimiter.testsupport.redis.RedisSentinelProcesses;
import dev.ratelimiter.testsupport.redis.RedisServerProcess;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A client's quota on call, on every store and with every algorithm: inspecting counts nothing, and
 * a reset gives the full quota back at once and is heard by every store client sharing the store
 * (each agent's, standing in for other agents: two Redis stores on one Redis or Cluster).
 */
@DisplayName(
    "Inspect and reset a client's counters, in memory and on Redis Standalone, Sentinel and Cluster")
class ClientQuotaStoreTest {

  private static final String PASSWORD = "quota-pass";
  private static final AtomicInteger CLIENTS = new AtomicInteger();
  private static RedisServerProcess redis;
  private static RedisClusterProcesses cluster;
  private static RedisSentinelProcesses sentinels;
  private static Vertx vertx;
  private static Context loop;
  private static final Map<String, CounterStore[]> STORES = new java.util.HashMap<>();
  private static final Map<String, Queue<String>> HEARD = new java.util.HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServerProcess.start(null);
    cluster = RedisClusterProcesses.start(PASSWORD);
    sentinels = RedisSentinelProcesses.start(PASSWORD);
    vertx = Vertx.vertx();
    loop = vertx.getOrCreateContext();
    InMemoryStore memory = new InMemoryStore(System::currentTimeMillis, 100);
    put("memory", memory, memory);
    RedisTarget standalone = RedisTarget.standalone(redis.url());
    put(
        "redis",
        new RedisStore(vertx, standalone, null, 10_000, null),
        new RedisStore(vertx, standalone, null, 10_000, null));
    RedisTarget clustered = RedisTarget.parse(cluster.seedUrls(), RedisMode.Cluster, null);
    put(
        "cluster",
        new RedisStore(vertx, clustered, PASSWORD, 10_000, null),
        new RedisStore(vertx, clustered, PASSWORD, 10_000, null));
    RedisTarget sentinel = RedisTarget.parse(sentinels.sentinelUrls(), RedisMode.Sentinel, null);
    put(
        "sentinel",
        new RedisStore(vertx, sentinel, PASSWORD, 10_000, null),
        new RedisStore(vertx, sentinel, PASSWORD, 10_000, null));
    for (CounterStore[] pair : STORES.values()) {
      for (CounterStore store : pair) {
        if (store instanceof RedisStore r) {
          run(r::connectThisLoop);
        }
      }
    }
  }

  /** {@code first} is the store acted on; {@code other} another agent's on the same data. */
  private static void put(String name, CounterStore first, CounterStore other) {
    STORES.put(name, new CounterStore[] {first, other});
    Queue<String> heard = new ConcurrentLinkedQueue<>();
    HEARD.put(name, heard);
    other.onReset((scope, client) -> heard.add(scope + "|" + client));
  }

  @AfterAll
  static void stop() {
    STORES.values().forEach(pair -> Stream.of(pair).distinct().forEach(s -> s.close().await()));
    vertx.close().await();
    redis.close();
    cluster.close();
    sentinels.close();
  }

  static Stream<Arguments> storesAndAlgorithms() {
    return Stream.of("memory", "redis", "sentinel", "cluster")
        .flatMap(s -> Stream.of(Algorithm.values()).map(a -> Arguments.of(s, a)));
  }

  private static <T> T run(Supplier<Future<T>> call) throws Exception {
    return OnLoop.run(loop, call).get(10, TimeUnit.SECONDS);
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("storesAndAlgorithms")
  @DisplayName(
      "after 7 of 10: 3 left and the right reset, twice alike, nothing counted; a reset gives all 10 back and is heard by the other agent")
  void inspectAndReset(String name, Algorithm algorithm) throws Exception {
    CounterStore store = STORES.get(name)[0];
    String client = "client-" + CLIENTS.incrementAndGet();
    Limit limit = new Limit("per-hour", 10, 3600, algorithm);
    Limit other = new Limit("per-day", 100, 86_400, Algorithm.FixedWindow);
    List<Limit> limits = List.of(limit, other);
    for (int i = 0; i < 7; i++) {
      assertThat(run(() -> store.acquire("shop/api", client, limits)).allowed()).isTrue();
    }
    for (int look = 0; look < 2; look++) {
      AcquireResult seen = run(() -> store.inspect("shop/api", client, limits));
      assertThat(seen.remaining()).as("look " + look).containsExactly(3, 93);
      long expectedResetMillis = algorithm == Algorithm.TokenBucket ? 7 * 360_000 : 3_600_000;
      assertThat(seen.resetMillis()[0])
          .as("look " + look + ": back to 10 when the window ends, or the bucket is full")
          .isBetween(expectedResetMillis - 10_000, expectedResetMillis);
    }
    for (int i = 0; i < 3; i++) {
      assertThat(run(() -> store.acquire("shop/api", client, limits)).allowed())
          .as("inspecting counted nothing: request " + (8 + i) + " fits")
          .isTrue();
    }
    assertThat(run(() -> store.acquire("shop/api", client, limits)).allowed()).isFalse();

    run(() -> store.reset("shop/api", client, List.of(limit)));
    AcquireResult after = run(() -> store.inspect("shop/api", client, limits));
    assertThat(after.remaining()).as("only the limit reset").containsExactly(10, 90);
    assertThat(run(() -> store.acquire("shop/api", client, limits)).remaining())
        .containsExactly(9, 89);
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> HEARD.get(name).contains("shop/api|" + client));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  @DisplayName("a client never seen: its full quota, and inspecting it stores nothing")
  void unknownClient(String name) throws Exception {
    CounterStore store = STORES.get(name)[0];
    String client = "client-" + CLIENTS.incrementAndGet();
    List<Limit> limits =
        Stream.of(Algorithm.values()).map(a -> new Limit("l-" + a, 5, 60, a)).toList();
    int trackedBefore = store instanceof InMemoryStore m ? m.trackedClients() : 0;
    assertThat(run(() -> store.inspect("shop/api", client, limits)).remaining())
        .containsExactly(5, 5, 5);
    if (store instanceof InMemoryStore memory) {
      assertThat(memory.trackedClients())
          .as("no client admitted for a look")
          .isEqualTo(trackedBefore);
    } else if (name.equals("redis")) {
      assertThat(redis.command("KEYS *" + client + "*").trim()).isEqualTo("*0");
    }
  }

  static Stream<String> names() {
    return Stream.of("memory", "redis", "sentinel", "cluster");
  }
}
