package dev.ratelimiter.agent.bypass;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.TestSettings;
import dev.ratelimiter.agent.gateway.NginxProcess;
import dev.ratelimiter.agent.grpc.RlsClient;
import io.vertx.grpc.common.GrpcStatus;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What a client can try beyond the path: a second value of the key header, a body the agent is not
 * going to read, a store it fills with made-up keys; and on gRPC, calls larger than any Envoy
 * sends. A real nginx is the backend: what it saw is what got through.
 */
@DisplayName("Hostile requests")
class HostileRequestsTest {

  static final String KEYED =
      """
      policy: shop/api
      limits: [{name: per-hour, requests: 2, window: 1h}]
      clientKey: {source: Header, header: X-Api-Key}
      """;

  private NginxProcess backend;
  private RunningAgent agent;
  private final TestHttp client = new TestHttp();

  private void start(TestSettings settings, String policy) throws Exception {
    backend = NginxProcess.start(BypassTest.BACKEND);
    agent =
        RunningAgent.start(settings.withBackend("http://127.0.0.1:" + backend.port, 5000), policy);
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  @Test
  @DisplayName(
      "the key header twice, or with a comma, is refused (400): a second value never buys a fresh quota")
  void secondKeyValue() throws Exception {
    start(TestSettings.local(null, null, null), KEYED);
    for (int i = 0; i < 2; i++) {
      assertThat(client.get(agent.http(), "/api/x", "X-Api-Key", "K1-secret").status())
          .isEqualTo(200);
    }
    assertThat(client.get(agent.http(), "/api/x", "X-Api-Key", "K1-secret").status())
        .isEqualTo(429);
    for (int i = 0; i < 3; i++) {
      TestHttp.Reply twice =
          client.get(agent.http(), "/api/x", "X-Api-Key", "K1-secret", "X-Api-Key", "r" + i);
      assertThat(twice.status()).isEqualTo(400);
      assertThat(twice.json().getString("detail")).contains("X-Api-Key").doesNotContain("K1");
      assertThat(client.get(agent.http(), "/api/x", "X-Api-Key", "K1-secret, r" + i).status())
          .isEqualTo(400);
    }
    assertThat(backend.requestLines()).as("what the backend saw").hasSize(2);
    // /check and gRPC read the same rule
    assertThat(
            new TestHttp()
                .get(agent.http(), "/check", "X-Api-Key", "K2", "X-Api-Key", "r")
                .status())
        .isEqualTo(400);
    try (RlsClient rls = new RlsClient()) {
      RlsClient.Answer answer =
          rls.callAndWait(
              agent.agent.grpcPort(),
              RlsClient.request(
                  "shop/api",
                  1,
                  RlsClient.descriptor(
                      "x-api-key", "K2", "x-api-key", "r", "remote_address", "10.0.0.1")));
      assertThat(answer.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
      assertThat(answer.message()).contains("'x-api-key' 2 times");
    }
  }

  @Test
  @DisplayName(
      "a refused request's body is never read: the connection closes after the 429, and what was pipelined behind it is not served")
  void refusedBodyClosesTheConnection() throws Exception {
    start(TestSettings.local(null, null, null), "limits: [{name: one, requests: 1, window: 1h}]\n");
    assertThat(client.get(agent.http(), "/api/x").status()).isEqualTo(200);
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), agent.http())) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      // an endless chunked upload, then (never reached) a second request
      out.write(
          ("POST /api/upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                  + "10\r\n0123456789abcdef\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answer = readUntilClosed(socket.getInputStream());
      assertThat(answer).startsWith("HTTP/1.1 429").contains("connection: close");
      assertThat(answer.split("HTTP/1.1 ", -1)).as("one answer only").hasSize(2);
    }
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), agent.http())) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /api/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbodyGET /api/y"
                  + " HTTP/1.1\r\nHost: x\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answer = readUntilClosed(socket.getInputStream());
      assertThat(answer.split("HTTP/1.1 ", -1)).as("the pipelined GET got no answer").hasSize(2);
    }
    assertThat(backend.requestLines()).as("what the backend saw").hasSize(1);
  }

  /** Everything until the agent closes the connection; fails if it keeps it open. */
  private static String readUntilClosed(InputStream in) throws Exception {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        all.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the connection stayed open: " + all, e);
    } catch (java.net.SocketException reset) {
      // closed with unread input: a reset after the answer is as closed as a FIN
    }
    return all.toString(StandardCharsets.US_ASCII)
        .toLowerCase(java.util.Locale.ROOT)
        .replace("http/1.1", "HTTP/1.1");
  }

  @Test
  @DisplayName(
      "MEMORY_FULL=Refuse: a full in-memory store refuses new clients (503) instead of letting them through uncounted, and counts the ones it holds")
  void fullStoreRefuses() throws Exception {
    start(
        TestSettings.local(null, null, null).withMemoryMaxClients(2).withMemoryFullRefuses(true),
        KEYED);
    assertThat(client.get(agent.http(), "/api/x", "X-Api-Key", "a").status()).isEqualTo(200);
    assertThat(client.get(agent.http(), "/api/x", "X-Api-Key", "b").status()).isEqualTo(200);
    for (int i = 0; i < 5; i++) {
      assertThat(client.get(agent.http(), "/api/x", "X-Api-Key", "rotated-" + i).status())
          .isEqualTo(503);
    }
    assertThat(client.get(agent.http(), "/api/x", "X-Api-Key", "a").status()).isEqualTo(200);
    assertThat(client.get(agent.http(), "/api/x", "X-Api-Key", "a").status()).isEqualTo(429);
    assertThat(backend.requestLines()).hasSize(3);
    assertThat(new TestHttp().get(agent.management(), "/metrics").body())
        .contains("ratelimiter_store_failures_total{reason=\"full\"} 5.0");
  }

  @Test
  @DisplayName("gRPC: more descriptors or entries than any Envoy sends are refused, not decided")
  void grpcBounds() throws Exception {
    start(
        TestSettings.local(null, null, null),
        KEYED.replace("source: Header, header: X-Api-Key", "trustedProxies: []"));
    try (RlsClient rls = new RlsClient()) {
      RlsClient.Answer many =
          rls.callAndWait(
              agent.agent.grpcPort(),
              RlsClient.request(
                  "shop/api",
                  1,
                  java.util.stream.IntStream.range(0, 65)
                      .mapToObj(i -> RlsClient.descriptor("remote_address", "10.0.0." + (i % 250)))
                      .toArray(
                          io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor[]
                              ::new)));
      assertThat(many.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
      assertThat(many.message()).contains("65 descriptors");
      String[] entries = new String[66];
      entries[0] = "remote_address";
      entries[1] = "10.0.0.1";
      for (int i = 2; i < entries.length; i += 2) {
        entries[i] = "e" + i;
        entries[i + 1] = "v";
      }
      RlsClient.Answer wide =
          rls.callAndWait(
              agent.agent.grpcPort(),
              RlsClient.request("shop/api", 1, RlsClient.descriptor(entries)));
      assertThat(wide.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
      assertThat(wide.message()).contains("33 entries");
    }
  }
}
