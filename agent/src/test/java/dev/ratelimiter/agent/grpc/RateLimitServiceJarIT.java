package dev.ratelimiter.agent.grpc;

import static dev.ratelimiter.agent.grpc.RlsClient.descriptor;
import static dev.ratelimiter.agent.grpc.RlsClient.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.AgentJar;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.testsupport.net.Ports;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.vertx.grpc.common.GrpcStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded agent.jar answers Envoy's ShouldRateLimit: the jar keeps only the part of Envoy's API
 * the service needs, so a missing message class would show here (and nowhere in the unit tests,
 * which run on the full API jar).
 */
@DisplayName("agent.jar serves Envoy's rate limit service")
class RateLimitServiceJarIT {

  @TempDir Path dir;

  @Test
  @DisplayName("ShouldRateLimit on the shaded jar counts a client and refuses it past its quota")
  void shouldRateLimit() throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(
        policy, "policy: shop/api\nlimits: [{name: per-minute, requests: 2, window: 1m}]\n");
    int grpc = Ports.free();
    Process agent = startReady(grpc, Map.of("POLICY_FILE", policy.toString()));
    try (RlsClient client = new RlsClient()) {
      var call =
          request("shop/api", 0, descriptor("remote_address", "192.0.2.7", "path", "/api/orders"));
      for (int i = 0; i < 2; i++) {
        RlsClient.Answer ok = client.callAndWait(grpc, call);
        assertThat(ok.status()).isEqualTo(GrpcStatus.OK);
        assertThat(ok.response().getOverallCode()).isEqualTo(RateLimitResponse.Code.OK);
      }
      RlsClient.Answer over = client.callAndWait(grpc, call);
      assertThat(over.response().getOverallCode()).isEqualTo(RateLimitResponse.Code.OVER_LIMIT);
      assertThat(over.response().getStatuses(0).getLimitRemaining()).isZero();
      assertThat(over.response().getResponseHeadersToAddList())
          .extracting(h -> h.getKey())
          .contains("RateLimit-Policy");
    } finally {
      agent.destroyForcibly();
    }
  }

  @Test
  @DisplayName(
      "a call with a field the agent does not know is answered, and so is a compressed message without grpc-encoding")
  void oddMessagesAreAnswered() throws Exception {
    int grpc = Ports.free();
    Process agent = startReady(grpc, Map.of("WARM_UP_SECONDS", "0"));
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      byte[] known = request("default", 0, descriptor("remote_address", "192.0.2.7")).toByteArray();
      byte[] unknownField = java.util.Arrays.copyOf(known, known.length + 3);
      // field 99, varint 1: a field of a newer Envoy
      unknownField[known.length] = (byte) 0x98;
      unknownField[known.length + 1] = 0x06;
      unknownField[known.length + 2] = 0x01;
      assertThat(rawCall(vertx, grpc, (byte) 0, unknownField)).isEqualTo("0");
      assertThat(rawCall(vertx, grpc, (byte) 1, known)).as("grpc-status").isNotEqualTo("0");
      assertThat(java.nio.file.Files.readString(dir.resolve("stderr.txt")))
          .doesNotContain("NoClassDefFoundError")
          .doesNotContain(" ERROR ");
    } finally {
      vertx.close();
      agent.destroyForcibly();
    }
  }

  /** agent.jar with {@code env} on ports of its own (gRPC on {@code grpc}), once it is ready. */
  private Process startReady(int grpc, Map<String, String> env) throws IOException {
    int management = Ports.free();
    Map<String, String> all = new HashMap<>(env);
    all.put("HTTP_PORT", Integer.toString(Ports.free()));
    all.put("MANAGEMENT_PORT", Integer.toString(management));
    all.put("GRPC_PORT", Integer.toString(grpc));
    Process agent = AgentJar.start(dir, all);
    try {
      new TestHttp().awaitReady(management);
    } catch (RuntimeException | Error e) {
      agent.destroyForcibly();
      throw e;
    }
    return agent;
  }

  /** A ShouldRateLimit call of raw bytes over HTTP/2; the grpc-status it ends with. */
  private static String rawCall(io.vertx.core.Vertx vertx, int port, byte flag, byte[] message)
      throws Exception {
    io.vertx.core.http.HttpClient client =
        vertx.createHttpClient(
            new io.vertx.core.http.HttpClientOptions()
                .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
    io.vertx.core.buffer.Buffer frame =
        io.vertx.core.buffer.Buffer.buffer().appendByte(flag).appendInt(message.length);
    frame.appendBytes(message);
    return client
        .request(
            new io.vertx.core.http.RequestOptions()
                .setHost("127.0.0.1")
                .setPort(port)
                .setMethod(io.vertx.core.http.HttpMethod.POST)
                .setURI("/envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit")
                .putHeader("content-type", "application/grpc")
                .putHeader("te", "trailers"))
        .compose(r -> r.send(frame))
        .compose(
            resp ->
                resp.body()
                    .map(
                        b ->
                            resp.getHeader("grpc-status") != null
                                ? resp.getHeader("grpc-status")
                                : resp.getTrailer("grpc-status")))
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, java.util.concurrent.TimeUnit.SECONDS);
  }
}
