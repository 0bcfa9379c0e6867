package dev.ratelimiter.agent.server.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.agent.RawConnections;
import dev.ratelimiter.agent.RawConnections.Held;
import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.TestSettings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Slow and idle connections on the public port")
class ConnectionGuardTest {

  /** A request line and one header, then a header that never ends. */
  private static final String SLOW_HEAD = "GET /api HTTP/1.1\r\nHost: agent\r\nX-Slow: ";

  /** HTTP/2's connection preface and an empty SETTINGS frame: what a gRPC client sends first. */
  private static final String H2_PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + "\0\0\0\4\0\0\0\0\0";

  private RunningAgent agent;
  private final RawConnections raw = new RawConnections();
  private final TestHttp http = new TestHttp();

  private void start(int idleSeconds, int headerSeconds, int maxConnections) {
    agent =
        RunningAgent.start(
            TestSettings.local(null, null, null)
                .withConnectionLimits(idleSeconds, headerSeconds, maxConnections),
            "limits: [{name: many, requests: 1000, window: 1m}]");
  }

  @AfterEach
  void stop() {
    raw.close();
    if (agent != null) {
      agent.close();
    }
  }

  private double metric(String line) {
    return SecurityMetrics.value(http.get(agent.management(), "/metrics").body(), line);
  }

  @Test
  @DisplayName(
      "Slowloris: a header byte every second is cut off at the header deadline, while ordinary clients are served")
  void slowlorisCutOff() throws Exception {
    start(60, 2, 10_000);
    List<Held> slow = raw.open(agent.http(), 20, SLOW_HEAD);
    // Keep-alive: a full request answered, then the next head trickles in.
    List<Held> keptAlive =
        raw.open(agent.http(), 5, "GET /api HTTP/1.1\r\nHost: agent\r\n\r\n" + SLOW_HEAD);
    raw.trickle(slow, Duration.ofSeconds(1), (byte) 'a');
    raw.trickle(keptAlive, Duration.ofSeconds(1), (byte) 'a');

    assertThat(http.get(agent.http(), "/api").status())
        .as("an ordinary client while 25 slow ones are held")
        .isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> raw.openCount() == 0);

    for (Held h : slow) {
      // Deadline 2 s; every byte resets an idle timer, so only the header deadline can have closed
      // them.
      assertThat(h.heldMillis()).as("held for").isBetween(1_900L, 6_000L);
      assertThat(h.received()).as("nothing answered to a head never finished").isEmpty();
    }
    for (Held h : keptAlive) {
      assertThat(h.received()).startsWith("HTTP/1.1 200");
      assertThat(h.heldMillis()).isBetween(1_900L, 6_000L);
    }
    assertThat(http.get(agent.http(), "/api").status()).isEqualTo(200);
    assertThat(metric("ratelimiter_http_header_timeouts_total{port=\"public\"}")).isEqualTo(25);
  }

  @Test
  @DisplayName("An idle kept-alive connection is closed after the idle timeout")
  void idleConnectionClosed() throws Exception {
    start(2, 30, 10_000);
    List<Held> idle = raw.open(agent.http(), 3, "GET /api HTTP/1.1\r\nHost: agent\r\n\r\n");
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> raw.openCount() == 0);
    for (Held h : idle) {
      assertThat(h.received()).startsWith("HTTP/1.1 200");
      assertThat(h.heldMillis()).isBetween(1_900L, 8_000L);
    }
  }

  @Test
  @DisplayName(
      "Held connections stay bounded at HTTP_MAX_CONNECTIONS: the ones beyond it are closed at once")
  void connectionCap() throws Exception {
    start(60, 30, 10);
    List<Held> held = raw.open(agent.http(), 25, SLOW_HEAD);
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> raw.closedCount() == 15);
    assertThat(metric("ratelimiter_http_connections{port=\"public\"}")).isEqualTo(10);
    assertThat(metric("ratelimiter_http_connections_refused_total{port=\"public\"}")).isEqualTo(15);
    assertThat(held.stream().filter(Held::closed))
        .allSatisfy(h -> assertThat(h.heldMillis()).isLessThan(5_000));
    assertThat(raw.openCount()).isEqualTo(10);

    raw.close(); // the attacker lets go
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> metric("ratelimiter_http_connections{port=\"public\"}") == 0);
    assertThat(http.get(agent.http(), "/api").status()).isEqualTo(200);
  }

  @Test
  @DisplayName(
      "The gRPC port holds at most HTTP_MAX_CONNECTIONS connections too: the ones beyond it are closed at once")
  void grpcConnectionCap() throws Exception {
    start(60, 30, 10);
    raw.open(agent.agent.grpcPort(), 25, H2_PREFACE);
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> raw.closedCount() == 15);
    assertThat(metric("ratelimiter_http_connections{port=\"grpc\"}")).isEqualTo(10);
    assertThat(metric("ratelimiter_http_connections_refused_total{port=\"grpc\"}")).isEqualTo(15);

    raw.close();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> metric("ratelimiter_http_connections{port=\"grpc\"}") == 0);
  }
}
