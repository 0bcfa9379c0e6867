package dev.ratelimiter.agent.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.agent.AgentJar;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.testsupport.net.Ports;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * agent.jar with a 64 MiB heap in front of an LLM API whose event streams are twice that long: the
 * stream passes whole and is settled from its last event, and a client that hangs up mid-stream is
 * charged its reservation.
 */
@DisplayName(
    "agent.jar (64 MiB heap) settles a 128 MiB event stream, and a hang-up at its reservation")
class TokenStreamIT {

  private static final long STREAM_BYTES = 128L * 1024 * 1024;
  private static final Pattern COST =
      Pattern.compile(
          "ratelimiter_cost_total\\{[^}]*limit=\"tokens\",phase=\"(\\w+)\"[^}]*} (\\S+)");

  @TempDir static Path dir;
  private static FakeLlmBackend backend;
  private static Process agent;
  private static int httpPort;
  private static int managementPort;
  private static final TestHttp HTTP = new TestHttp();

  @BeforeAll
  static void start() throws Exception {
    backend = FakeLlmBackend.start();
    backend.streamBytes.set(STREAM_BYTES);
    httpPort = Ports.free();
    managementPort = Ports.free();
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(
        policy,
        """
        limits:
          - {name: per-minute, requests: 1000, window: 1m}
          - {name: tokens, requests: 1000000, window: 1h, cost: {usage: TotalTokens, reserve: 250}}
        """);
    agent =
        AgentJar.start(
            dir,
            Map.of(
                "HTTP_PORT",
                Integer.toString(httpPort),
                "MANAGEMENT_PORT",
                Integer.toString(managementPort),
                "POLICY_FILE",
                policy.toString(),
                "BACKEND_URL",
                backend.url()),
            "-Xmx64m");
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> HTTP.get(managementPort, "/health/ready").status() == 200);
  }

  @AfterAll
  static void stop() {
    if (agent != null) {
      agent.destroyForcibly();
    }
    backend.close();
  }

  /** The agent's ratelimiter_cost_total of the tokens budget in {@code phase}. */
  private static long cost(String phase) {
    Matcher m = COST.matcher(HTTP.get(managementPort, "/metrics").body());
    while (m.find()) {
      if (m.group(1).equals(phase)) {
        return (long) Double.parseDouble(m.group(2));
      }
    }
    return 0;
  }

  /** Sends a streaming chat request and returns the socket, positioned after the answer's head. */
  private static Socket streamingChat(StringBuilder head) throws IOException {
    byte[] body = "{\"model\": \"m\", \"stream\": true}".getBytes(StandardCharsets.UTF_8);
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), httpPort);
    socket.setSoTimeout(120_000);
    socket
        .getOutputStream()
        .write(
            ("POST /api/v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    + "Content-Type: application/json\r\nContent-Length: "
                    + body.length
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().write(body);
    socket.getOutputStream().flush();
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    while (!bytes.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      assertThat(b).as("the answer's head").isNotEqualTo(-1);
      bytes.write(b);
    }
    head.append(bytes.toString(StandardCharsets.US_ASCII));
    return socket;
  }

  @Test
  @DisplayName(
      "the whole stream reaches the client and is settled at its reported usage; a hang-up mid-stream at what it reserved")
  void streamsAndHangUps() throws Exception {
    long reservedBefore = cost("reserved");
    long settledBefore = cost("settled");
    StringBuilder head = new StringBuilder();
    long received = 0;
    String tail;
    try (Socket socket = streamingChat(head)) {
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[64 * 1024];
      String last = "";
      for (int n; (n = in.read(buffer)) != -1; ) {
        received += n;
        last +=
            new String(buffer, Math.max(0, n - 2048), Math.min(n, 2048), StandardCharsets.UTF_8);
        last = last.substring(Math.max(0, last.length() - 2048)); // the stream's last bytes
      }
      tail = last;
    }
    assertThat(head.toString()).startsWith("HTTP/1.1 200");
    assertThat(received).isGreaterThan(STREAM_BYTES);
    assertThat(tail).contains("\"total_tokens\":300").contains("[DONE]");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> cost("settled") - settledBefore, settled -> settled == 300);
    assertThat(cost("reserved") - reservedBefore).as("one reservation").isPositive();

    long reservedAtHangUp = cost("reserved");
    long settledAtHangUp = cost("settled");
    long refundedAtHangUp = cost("refunded");
    try (Socket socket = streamingChat(new StringBuilder())) {
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[64 * 1024];
      for (long read = 0; read < 4L * 1024 * 1024; ) {
        int n = in.read(buffer);
        assertThat(n).isNotEqualTo(-1);
        read += n;
      }
    } // hung up with most of the stream still to come
    long reserved = cost("reserved") - reservedAtHangUp;
    assertThat(reserved).isPositive();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> cost("settled") - settledAtHangUp, settled -> settled == reserved);
    assertThat(cost("refunded")).as("nothing given back for a hang-up").isEqualTo(refundedAtHangUp);
    assertThat(agent.isAlive()).isTrue();
  }
}
