package dev.ratelimiter.agent.store.redis;

import static org.awaitility.Awaitility.await;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.TestSettings;
import dev.ratelimiter.policy.Algorithm;
import dev.ratelimiter.policy.Limit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Steady load on three agents while the test stops the Redis master, and what came of it. Clients
 * take turns: each sends {@link #PER_CLIENT} requests (more than its quota of {@link #QUOTA})
 * spread over all agents and worker threads, then the next client starts, so some client is always
 * in the middle of its quota — also at the moment the master dies. With {@code failurePolicy:
 * Closed}, every 200 was counted by Redis; a client's 200s beyond {@link #QUOTA} are
 * over-admission: the increments the promoted replica had not received.
 */
final class FailoverLoad {

  static final int QUOTA = 10;
  static final int PER_CLIENT = 15;
  static final long REDIS_TIMEOUT_MILLIS = 100; // the default
  static final String POLICY =
      """
            policy: shop/failover
            limits: [{name: per-minute, requests: %d, window: 1m}]
            clientKey: {trustedProxies: [127.0.0.2/32]}
            failurePolicy: Closed
            """
          .formatted(QUOTA);

  /**
   * What the load saw: answers per status, each client's 200s, the slowest answer, failures to get
   * any answer.
   */
  record Outcome(
      Map<Integer, AtomicInteger> statuses,
      Map<String, AtomicInteger> allowed,
      long slowestMillis,
      List<String> errors,
      int allowedAfterFailover) {

    int requests() {
      return statuses.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** Sum over clients of their 200s beyond the quota. */
    int overAdmission() {
      return allowed.values().stream().mapToInt(a -> Math.max(0, a.get() - QUOTA)).sum();
    }

    /** The most 200s beyond the quota that one client got. */
    int worstClientOverAdmission() {
      return allowed.values().stream().mapToInt(a -> Math.max(0, a.get() - QUOTA)).max().orElse(0);
    }

    String summary() {
      return requests()
          + " requests "
          + statuses
          + ", "
          + allowed.size()
          + " clients, over-admission "
          + overAdmission()
          + " in total, at most "
          + worstClientOverAdmission()
          + " for one client (quota "
          + QUOTA
          + "), slowest answer "
          + slowestMillis
          + " ms";
    }
  }

  private FailoverLoad() {}

  /**
   * Three agents (one event loop each) for {@code redisUrl} in {@code mode}, with {@link #POLICY}.
   */
  static List<RunningAgent> agents(String redisUrl, String password, RedisMode mode) {
    List<RunningAgent> agents = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      agents.add(
          RunningAgent.start(
              TestSettings.local(redisUrl, password, null)
                  .withRedisMode(mode, null)
                  .withRedisTimeoutMillis(REDIS_TIMEOUT_MILLIS)
                  .withEventLoops(1),
              POLICY));
    }
    return agents;
  }

  /** The Redis key of {@code client}'s counter for {@link #POLICY}'s limit. */
  static String key(String client) {
    return LuaScript.key(
        "shop/failover", client, new Limit("per-minute", QUOTA, 60, Algorithm.FixedWindow));
  }

  /**
   * {@code count} client addresses starting with {@code prefix} whose counter key {@code filter}
   * accepts.
   */
  static List<String> clients(String prefix, int count, Predicate<String> filter) {
    List<String> clients = new ArrayList<>();
    for (int i = 0; clients.size() < count; i++) {
      String client = prefix + (i / 256) % 256 + "." + i % 256;
      if (filter.test(key(client))) {
        clients.add(client);
      }
    }
    return clients;
  }

  /**
   * Waits until every agent admits a client it has not seen (one of {@code probes}, which must be
   * more than the attempts): after a failover, each has reconnected to the promoted master.
   */
  static void awaitEveryAgentAdmits(List<RunningAgent> agents, List<String> probes) {
    TestHttp proxy = new TestHttp("127.0.0.2");
    AtomicInteger probe = new AtomicInteger();
    List<String> lastProbe = new CopyOnWriteArrayList<>();
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                lastProbe.clear();
                for (RunningAgent a : agents) {
                  TestHttp.Reply reply =
                      proxy.get(
                          a.http(),
                          "/api",
                          "X-Forwarded-For",
                          probes.get(probe.incrementAndGet() % probes.size()));
                  lastProbe.add(reply.status() + " " + reply.body());
                }
                return lastProbe.stream().allMatch(r -> r.startsWith("200 "));
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "after the failover, not every agent admits a new client; the last answers: " + lastProbe,
          e);
    }
  }

  /**
   * Runs the load on {@code threads} threads over the clients {@code clientFilter} accepts, calls
   * {@code failover} (which stops the master and returns once Redis has promoted a replica) once
   * 300 requests were answered, waits until every agent admits a new client again, and stops after
   * 600 more requests.
   */
  static Outcome run(
      List<RunningAgent> agents, int threads, Predicate<String> clientFilter, Runnable failover)
      throws Exception {
    List<String> clients = clients("10.1.", 1000, clientFilter);
    List<String> probes = clients("192.168.", 1000, clientFilter);
    TestHttp proxy = new TestHttp("127.0.0.2");
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> allowed = new ConcurrentHashMap<>();
    List<String> errors = new CopyOnWriteArrayList<>();
    AtomicLong next = new AtomicLong();
    AtomicLong slowest = new AtomicLong();
    AtomicInteger answered = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread worker =
          new Thread(
              () -> {
                while (!stop.get()) {
                  long n = next.getAndIncrement();
                  String client = clients.get((int) (n / PER_CLIENT) % clients.size());
                  RunningAgent agent = agents.get((int) (n % agents.size()));
                  long start = System.nanoTime();
                  try {
                    int status =
                        proxy.get(agent.http(), "/api", "X-Forwarded-For", client).status();
                    slowest.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
                    statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                    if (status == 200) {
                      allowed.computeIfAbsent(client, c -> new AtomicInteger()).incrementAndGet();
                    }
                  } catch (AssertionError e) {
                    errors.add(e.getMessage());
                  }
                  answered.incrementAndGet();
                }
              },
              "failover-load-" + t);
      worker.start();
      workers.add(worker);
    }
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> answered.get() >= 300);
      failover.run();
      awaitEveryAgentAdmits(agents, probes);
      int okBefore = statuses.getOrDefault(200, new AtomicInteger()).get();
      int target = answered.get() + 600;
      await().atMost(Duration.ofSeconds(90)).until(() -> answered.get() >= target);
      int allowedAfter = statuses.get(200).get() - okBefore;
      stop.set(true);
      for (Thread worker : workers) {
        worker.join(30_000);
      }
      return new Outcome(statuses, allowed, slowest.get(), errors, allowedAfter);
    } finally {
      stop.set(true);
    }
  }
}
