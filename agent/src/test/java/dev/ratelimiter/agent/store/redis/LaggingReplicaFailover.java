package dev.ratelimiter.agent.store.redis;

import static dev.ratelimiter.agent.store.redis.FailoverLoad.QUOTA;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestHttp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A failover to a replica that really lags, on the agents of {@link FailoverLoad#agents} (quota
 * {@link FailoverLoad#QUOTA} a minute, {@code failurePolicy: Closed}). Each of {@link #CLIENTS}
 * clients uses up its quota on the master in two parts: client {@code i} sends {@code i % (QUOTA +
 * 1)} requests while the replica keeps up, the test waits until the replica has applied them, stops
 * replication, and the client sends the rest of its quota. So the replica holds from the whole
 * count down to none of it. Then the master is killed, each client sends one request during the
 * outage, the replica is promoted, and once every agent admits again each client sends twice its
 * quota: the promoted master admits what it does not know was used. A client's 200s beyond its
 * quota, over all phases, are its over-admission; docs/redis.md bounds it by what the replica
 * missed of its count, at most one quota.
 */
final class LaggingReplicaFailover {

  /** Twice every split of the quota between replicated and missed increments, 0 to QUOTA. */
  static final int CLIENTS = 2 * (QUOTA + 1);

  private static final int THREADS = 8;

  /** The fixture's part: the replication it can stop, the failover it can cause. */
  interface Replication {

    /** Returns once the replica has applied every write the master had when called. */
    void awaitCaughtUp();

    /** From now on the replica receives nothing from the master, its link still looking up. */
    void stop();

    /** Bytes of the master's replication stream the replica has not applied. */
    long lagBytes();

    /** The value of {@code key} in the replica's own data set; null if it has none. */
    String onReplica(String key);

    /** The value of {@code key} on the master; null if it has none. */
    String onMaster(String key);

    /** SIGKILLs the master. */
    void killMaster();

    /** Returns once the replica is the master and serves the clients' keys. */
    void awaitFailover();
  }

  /**
   * One client: its count on the master and on the replica before the kill, and its 200s before the
   * kill, during the outage and after the failover.
   */
  record Client(
      String address,
      int onMaster,
      int onReplica,
      int allowedBefore,
      int allowedDuringOutage,
      int allowedAfter) {

    /** The increments the promoted replica lacks: {@code c - c'} in docs/redis.md. */
    int missed() {
      return onMaster - onReplica;
    }

    int overAdmission() {
      return Math.max(0, allowedBefore + allowedDuringOutage + allowedAfter - QUOTA);
    }
  }

  record Outcome(List<Client> clients, long lagBytes, Map<Integer, Integer> statuses) {

    int missed() {
      return clients.stream().mapToInt(Client::missed).sum();
    }

    int overAdmission() {
      return clients.stream().mapToInt(Client::overAdmission).sum();
    }

    int worstClientOverAdmission() {
      return clients.stream().mapToInt(Client::overAdmission).max().orElse(0);
    }

    String summary() {
      return clients.size()
          + " clients, answers "
          + statuses
          + "; the replica was "
          + lagBytes
          + " bytes of replication behind and lacked "
          + missed()
          + " of "
          + clients.stream().mapToInt(Client::onMaster).sum()
          + " increments; over-admission "
          + overAdmission()
          + " in total, at most "
          + worstClientOverAdmission()
          + " for one client (quota "
          + QUOTA
          + "); per client (missed → over-admitted): "
          + clients.stream()
              .map(c -> c.missed() + "→" + c.overAdmission())
              .collect(Collectors.joining(" "));
    }
  }

  private LaggingReplicaFailover() {}

  /**
   * The replica really lagged, that cost over-admission, and no client got more than what the
   * replica missed of its count, nor more than one quota.
   */
  static void assertLagCostAtMostOneQuota(Outcome outcome) {
    assertThat(outcome.statuses().keySet())
        .as("answers: 200/429, or 503 from failurePolicy Closed")
        .isSubsetOf(200, 429, 503);
    assertThat(outcome.clients())
        .as("before the kill, every client was admitted its whole quota, counted on the master")
        .allSatisfy(
            c -> {
              assertThat(c.allowedBefore()).as(c.address() + " admitted").isEqualTo(QUOTA);
              assertThat(c.onMaster()).as(c.address() + " on the master").isEqualTo(QUOTA);
            });
    assertThat(outcome.lagBytes()).as("bytes the replica was behind at the kill").isPositive();
    assertThat(outcome.missed()).as("increments the promoted replica lacked").isPositive();
    assertThat(outcome.overAdmission())
        .as("200s beyond the quota, over all clients: what the lag cost")
        .isPositive();
    assertThat(outcome.clients())
        .as("no client admitted beyond its quota more than the replica missed of its count")
        .allSatisfy(
            c -> assertThat(c.overAdmission()).as(c.address()).isLessThanOrEqualTo(c.missed()));
    assertThat(outcome.worstClientOverAdmission())
        .as("one client's 200s beyond its quota")
        .isLessThanOrEqualTo(QUOTA);
  }

  /** Runs the phases above over the clients whose counter key {@code keyFilter} accepts. */
  static Outcome run(
      List<RunningAgent> agents, Predicate<String> keyFilter, Replication replication)
      throws Exception {
    List<String> clients = FailoverLoad.clients("10.2.", CLIENTS, keyFilter);
    Map<Integer, Integer> statuses = new TreeMap<>();
    Map<String, Integer> replicated = new LinkedHashMap<>();
    Map<String, Integer> lagging = new LinkedHashMap<>();
    for (int i = 0; i < clients.size(); i++) {
      replicated.put(clients.get(i), i % (QUOTA + 1));
      lagging.put(clients.get(i), QUOTA - i % (QUOTA + 1));
    }
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      Map<String, Integer> before = send(pool, agents, replicated, statuses);
      replication.awaitCaughtUp();
      replication.stop();
      merge(before, send(pool, agents, lagging, statuses));
      long lag = replication.lagBytes();
      Map<String, Integer> onMaster = new LinkedHashMap<>();
      Map<String, Integer> onReplica = new LinkedHashMap<>();
      for (String client : clients) {
        onMaster.put(client, count(replication.onMaster(FailoverLoad.key(client))));
        onReplica.put(client, count(replication.onReplica(FailoverLoad.key(client))));
      }
      replication.killMaster();
      Map<String, Integer> outage = send(pool, agents, each(clients, 1), statuses);
      replication.awaitFailover();
      FailoverLoad.awaitEveryAgentAdmits(agents, FailoverLoad.clients("192.168.", 1000, keyFilter));
      Map<String, Integer> after = send(pool, agents, each(clients, 2 * QUOTA), statuses);
      List<Client> results = new ArrayList<>();
      for (String client : clients) {
        results.add(
            new Client(
                client,
                onMaster.get(client),
                onReplica.get(client),
                before.getOrDefault(client, 0),
                outage.getOrDefault(client, 0),
                after.getOrDefault(client, 0)));
      }
      return new Outcome(results, lag, statuses);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Sends each client's number of requests, all at once on the pool, spread over the agents;
   * returns each client's 200s and adds every answer to {@code statuses}.
   */
  private static Map<String, Integer> send(
      ExecutorService pool,
      List<RunningAgent> agents,
      Map<String, Integer> requests,
      Map<Integer, Integer> statuses)
      throws Exception {
    TestHttp proxy = new TestHttp("127.0.0.2");
    AtomicInteger next = new AtomicInteger();
    Map<String, Integer> allowed = new ConcurrentHashMap<>();
    List<Future<Integer>> answers = new ArrayList<>();
    requests.forEach(
        (client, n) -> {
          for (int i = 0; i < n; i++) {
            answers.add(
                pool.submit(
                    () -> {
                      RunningAgent agent = agents.get(next.getAndIncrement() % agents.size());
                      int status =
                          proxy.get(agent.http(), "/api", "X-Forwarded-For", client).status();
                      if (status == 200) {
                        allowed.merge(client, 1, Integer::sum);
                      }
                      return status;
                    }));
          }
        });
    for (Future<Integer> answer : answers) {
      statuses.merge(answer.get(), 1, Integer::sum);
    }
    return allowed;
  }

  private static Map<String, Integer> each(List<String> clients, int requests) {
    Map<String, Integer> each = new LinkedHashMap<>();
    clients.forEach(c -> each.put(c, requests));
    return each;
  }

  private static void merge(Map<String, Integer> into, Map<String, Integer> more) {
    more.forEach((client, n) -> into.merge(client, n, Integer::sum));
  }

  /** A counter's value as the inline protocol returns it: a number, or {@code $-1} for none. */
  private static int count(String value) {
    return value == null || value.startsWith("$-1") ? 0 : Integer.parseInt(value.trim());
  }
}
