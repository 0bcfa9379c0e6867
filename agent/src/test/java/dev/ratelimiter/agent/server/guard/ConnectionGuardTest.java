package dev.ratelimiter.agent.server.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.agent.RawConnections;
import dev.ratelimiter.agent.RawConnections.Held;
import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.TestSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
  @DisplayName(
      "A busy kept-alive connection is not cut by the header deadline; a head it then trickles is cut a deadline after that head began")
  void busyConnectionKeptThenSlowHeadCut() throws Exception {
    start(60, 1, 10_000);
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), agent.http())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      long began = System.nanoTime();
      int answered = 0;
      // Back to back for 2.5 header deadlines: every head arrives whole, so none may be cut.
      while (System.nanoTime() - began < 2_500_000_000L) {
        out.write("GET /api HTTP/1.1\r\nHost: agent\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        // 200 until the quota of 1,000 is spent, 429 after: answered either way
        assertThat(readResponseHead(in)).matches("(?s)HTTP/1\\.1 (200|429) .*");
        answered++;
      }
      assertThat(answered).as("requests answered on the one connection").isGreaterThan(10);

      out.write(SLOW_HEAD.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long headBegan = System.nanoTime();
      int closedAfter = -1;
      for (int i = 0; i < 50 && closedAfter < 0; i++) {
        try {
          out.write('a');
          out.flush();
          socket.setSoTimeout(100);
          if (in.read() < 0) {
            closedAfter = (int) ((System.nanoTime() - headBegan) / 1_000_000);
          }
        } catch (SocketTimeoutException stillOpen) {
          // nothing answered yet: the head is still being read
        } catch (IOException reset) {
          closedAfter = (int) ((System.nanoTime() - headBegan) / 1_000_000);
        }
      }
      assertThat(closedAfter)
          .as("ms from the slow head's first byte to the cut")
          .isBetween(900, 3_000);
    }
  }

  /** The status line and headers of one response, with its Content-Length body read past. */
  private static String readResponseHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the agent closed the connection after: " + head);
      }
      head.append((char) b);
    }
    Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
    if (length.find()) {
      in.readNBytes(Integer.parseInt(length.group(1)));
    }
    return head.toString();
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
