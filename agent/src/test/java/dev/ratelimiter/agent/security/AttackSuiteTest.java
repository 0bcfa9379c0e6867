package dev.ratelimiter.agent.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.agent.RawConnections;
import dev.ratelimiter.agent.RawConnections.Held;
import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.TestHttp.Reply;
import dev.ratelimiter.agent.TestSettings;
import dev.ratelimiter.agent.server.guard.SecurityMetrics;
import dev.ratelimiter.agent.store.memory.InMemoryStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Black-box attacks on a real agent, each asserting the guard that stops it, and printing what the
 * agent held while under attack (connections, heap of this JVM, which runs the agent) so the
 * numbers can be recorded.
 */
@DisplayName("Attack suite")
class AttackSuiteTest {

  private static final String TOKEN = "attack-suite-token";
  private static final String BEHIND_PROXY =
      """
            limits: [{name: five, requests: 5, window: 1m}]
            clientKey: {trustedProxies: [127.0.0.2/32]}
            failurePolicy: Closed
            """;

  private RunningAgent agent;
  private final TestHttp proxy = new TestHttp("127.0.0.2");
  private final TestHttp http = new TestHttp();

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
  }

  private double metric(String series) {
    return SecurityMetrics.value(http.get(agent.management(), "/metrics").body(), series);
  }

  private static void report(String attack, String numbers) {
    Runtime rt = Runtime.getRuntime();
    long heapMiB = (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024);
    System.out.printf("ATTACK %-28s %s; heap used %d MiB%n", attack, numbers, heapMiB);
  }

  @Test
  @DisplayName(
      "Spoofed Forwarded behind a proxy that appends X-Forwarded-For: 200 random values buy nothing")
  void spoofedForwarded() {
    agent = RunningAgent.start(TestSettings.local(null, null, null), BEHIND_PROXY);
    int allowed = 0;
    for (int i = 0; i < 200; i++) {
      Reply r =
          proxy.get(
              agent.http(),
              "/api",
              "Forwarded",
              "for=" + randomIp(),
              "X-Forwarded-For",
              "203.0.113.9");
      allowed += r.status() == 200 ? 1 : 0;
    }
    report("spoofed Forwarded", "200 requests, " + allowed + " allowed");
    assertThat(allowed).isEqualTo(5);
  }

  @Test
  @DisplayName(
      "Malformed X-Forwarded-For: 200 garbage values all count under the proxy that sent them")
  void malformedXff() {
    agent = RunningAgent.start(TestSettings.local(null, null, null), BEHIND_PROXY);
    int allowed = 0;
    for (int i = 0; i < 200; i++) {
      String garbage =
          switch (i % 4) {
            case 0 -> UUID.randomUUID().toString();
            case 1 -> "999.1.1." + i;
            case 2 -> "[2001:db8::" + i;
            default -> randomIp() + ":port" + i;
          };
      allowed +=
          proxy.get(agent.http(), "/api", "X-Forwarded-For", garbage).status() == 200 ? 1 : 0;
    }
    report("malformed X-Forwarded-For", "200 requests, " + allowed + " allowed");
    assertThat(allowed).isEqualTo(5);
  }

  @Test
  @DisplayName(
      "Slowloris: 200 connections trickling header bytes are capped at 100 and cut off at the 2 s header deadline; then clients are served")
  void slowloris() throws Exception {
    agent =
        RunningAgent.start(
            TestSettings.local(null, null, null).withConnectionLimits(60, 2, 100), null);
    try (RawConnections raw = new RawConnections()) {
      List<Held> slow = raw.open(agent.http(), 200, "GET /api HTTP/1.1\r\nHost: agent\r\nX-Slow: ");
      raw.trickle(slow, Duration.ofSeconds(1), (byte) 'a');
      AtomicLong maxHeld = new AtomicLong();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                maxHeld.accumulateAndGet(
                    (long) metric("ratelimiter_http_connections{port=\"public\"}"), Math::max);
                return raw.openCount() == 0;
              });
      long slowest = slow.stream().mapToLong(Held::heldMillis).max().orElse(-1);
      report(
          "slowloris",
          "200 connections, at most "
              + maxHeld
              + " held, all cut off, longest after "
              + slowest
              + " ms");
      assertThat(maxHeld.get()).isLessThanOrEqualTo(100);
      assertThat(slowest).isLessThan(7_000);
      assertThat(http.get(agent.http(), "/api").status()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName(
      "400 stalled uploads to the admin port without a token: all answered or closed at once, the port keeps serving")
  void stalledAdminUploads() throws Exception {
    agent = RunningAgent.start(TestSettings.local(null, null, TOKEN), null);
    try (RawConnections raw = new RawConnections()) {
      List<Held> uploads =
          raw.open(
              agent.management(),
              400,
              "PUT /admin/policy HTTP/1.1\r\nHost: agent\r\n"
                  + "Content-Type: application/yaml\r\nContent-Length: 60000\r\n\r\ngeneration: 1\n# ");
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> raw.openCount() == 0);
      long answered = uploads.stream().filter(h -> h.received().startsWith("HTTP/1.1 401")).count();
      long slowest = uploads.stream().mapToLong(Held::heldMillis).max().orElse(-1);
      report(
          "stalled admin uploads",
          "400 connections, "
              + answered
              + " answered 401, the rest closed at the cap;"
              + " all closed, longest after "
              + slowest
              + " ms");
      assertThat(http.get(agent.management(), "/health/live").status()).isEqualTo(200);
      assertThat(
              http.get(agent.management(), "/admin/policy", "Authorization", "Bearer " + TOKEN)
                  .json()
                  .getLong("generation"))
          .isZero();
    }
  }

  @Test
  @DisplayName(
      "A flood of new client keys: the in-memory store stops at MEMORY_MAX_CLIENTS and the failure policy (Closed) refuses the rest")
  void clientKeyFlood() {
    agent =
        RunningAgent.start(
            TestSettings.local(null, null, null).withMemoryMaxClients(500), BEHIND_PROXY);
    Map<Integer, Integer> statuses = new HashMap<>();
    for (int i = 0; i < 1500; i++) {
      String client = "198.51." + (i / 250) + "." + (i % 250);
      statuses.merge(
          proxy.get(agent.http(), "/api", "X-Forwarded-For", client).status(), 1, Integer::sum);
    }
    int tracked = ((InMemoryStore) agent.agent.store()).trackedClients();
    report(
        "flood of new client keys",
        "1500 keys, status counts " + statuses + ", " + tracked + " tracked");
    assertThat(statuses).containsExactlyInAnyOrderEntriesOf(Map.of(200, 500, 503, 1000));
    assertThat(tracked).isEqualTo(500);
  }

  private static String randomIp() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return r.nextInt(1, 224)
        + "."
        + r.nextInt(256)
        + "."
        + r.nextInt(256)
        + "."
        + r.nextInt(1, 255);
  }
}
