package dev.ratelimiter.agent.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.agent.AgentJar;
import dev.ratelimiter.agent.TestBackend;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.testsupport.net.Ports;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("agent.jar with a 64 MiB heap streams 100 MiB bodies both ways")
class ProxyLargeBodiesIT {

  private static final long BYTES = 100L * 1024 * 1024;

  /**
   * The downloading client reads this fast at most, so the agent must hold the backend back rather
   * than buffer.
   */
  private static final long SLOW_READER_BYTES_PER_SECOND = 40L * 1024 * 1024;

  @TempDir static Path dir;
  private static TestBackend backend;
  private static Process agent;
  private static int httpPort;

  @BeforeAll
  static void start() throws Exception {
    backend = TestBackend.start();
    httpPort = Ports.free();
    int managementPort = Ports.free();
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, "limits: [{name: per-minute, requests: 100, window: 1m}]\n");
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
    TestHttp http = new TestHttp();
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> http.get(managementPort, "/health/ready").status() == 200);
  }

  @AfterAll
  static void stop() throws IOException {
    if (agent != null) {
      System.out.println("agent peak RSS after 100 MiB up and down: " + peakRss(agent.pid()));
      agent.destroyForcibly();
    }
    backend.close();
  }

  @Test
  @DisplayName("A 100 MiB upload reaches the backend byte for byte")
  void upload() throws Exception {
    MessageDigest sent = MessageDigest.getInstance("SHA-256");
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), httpPort)) {
      socket.setSoTimeout(120_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("PUT /api/files/big HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/octet-stream\r\n"
                  + "Content-Length: "
                  + BYTES
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[64 * 1024];
      for (long written = 0; written < BYTES; written += chunk.length) {
        for (int i = 0; i < chunk.length; i++) {
          chunk[i] = (byte) ((written + i) * 31 >>> 3);
        }
        sent.update(chunk);
        out.write(chunk);
      }
      out.flush();
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response).startsWith("HTTP/1.1 200 OK");
      JsonObject seen = new JsonObject(response.substring(response.indexOf("\r\n\r\n") + 4));
      assertThat(seen.getLong("bodyBytes")).isEqualTo(BYTES);
      assertThat(seen.getString("bodySha256")).isEqualTo(HexFormat.of().formatHex(sent.digest()));
    }
    assertThat(agent.isAlive()).isTrue();
  }

  @Test
  @DisplayName("A 100 MiB download reaches a slow client whole")
  void download() throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), httpPort)) {
      socket.setSoTimeout(120_000);
      socket
          .getOutputStream()
          .write(
              ("GET /api/download?bytes="
                      + BYTES
                      + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      String head = readHead(in);
      assertThat(head).startsWith("HTTP/1.1 200 OK");
      assertThat(head.toLowerCase()).contains("content-length: " + BYTES);
      byte[] buffer = new byte[64 * 1024];
      long received = 0;
      long startNanos = System.nanoTime();
      for (int n; (n = in.read(buffer)) != -1; ) {
        received += n;
        long due = startNanos + received * 1_000_000_000L / SLOW_READER_BYTES_PER_SECOND;
        LockSupport.parkNanos(
            due - System.nanoTime()); // pacing the reader, not waiting for an event
      }
      assertThat(received).isEqualTo(BYTES);
    }
    assertThat(agent.isAlive()).isTrue();
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c == -1) {
        break;
      }
      head.write(c);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  private static String peakRss(long pid) throws IOException {
    return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
        .filter(l -> l.startsWith("VmHWM"))
        .findFirst()
        .orElse("unknown")
        .replaceAll("\\s+", " ");
  }
}
