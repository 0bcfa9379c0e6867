package dev.ratelimiter.agent.grpc;

import static dev.ratelimiter.agent.grpc.RlsClient.descriptor;
import static dev.ratelimiter.agent.grpc.RlsClient.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.TestSettings;
import dev.ratelimiter.testsupport.redis.RedisServerProcess;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.Code;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.DescriptorStatus;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Envoy's rate limit service (gRPC ShouldRateLimit): three agents on one real Redis")
class RateLimitServiceTest {

  private static final String DOMAIN = "shop/public-api";
  private static RedisServerProcess redis;
  private static final List<RunningAgent> agents = new ArrayList<>();
  private static RlsClient rls;

  @BeforeAll
  static void start() {
    redis = RedisServerProcess.start("s3cret-pass");
    for (int i = 0; i < 3; i++) {
      // The default Redis timeout, as an agent in production has it.
      agents.add(
          RunningAgent.start(
              TestSettings.local(redis.url(), redis.password(), null),
              """
                    policy: shop/public-api
                    limits: [{name: per-minute, requests: 10, window: 1m}]
                    clientKey: {ipv6PrefixLength: 64}
                    """));
    }
    rls = new RlsClient();
  }

  @AfterAll
  static void stop() {
    if (rls != null) {
      rls.close();
    }
    agents.forEach(RunningAgent::close);
    redis.close();
  }

  @BeforeEach
  void freshCounters() throws Exception {
    redis.flushAll();
  }

  private static int grpc(int agent) {
    return agents.get(agent).agent.grpcPort();
  }

  @Test
  @DisplayName("200 concurrent calls for one client across three agents: exactly 10 OK")
  void exactlyTenOfTwoHundred() throws Exception {
    List<Future<RlsClient.Answer>> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      calls.add(
          rls.call(grpc(i % 3), request(DOMAIN, 0, descriptor("remote_address", "203.0.113.9"))));
    }
    Future.join(calls).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    Map<Code, Long> codes =
        calls.stream()
            .map(Future::result)
            .peek(a -> assertThat(a.status()).as(a.message()).isEqualTo(GrpcStatus.OK))
            .collect(
                Collectors.groupingBy(a -> a.response().getOverallCode(), Collectors.counting()));
    assertThat(codes).containsOnly(Map.entry(Code.OK, 10L), Map.entry(Code.OVER_LIMIT, 190L));
    assertThat(redis.command("GET rl:{shop/public-api|203.0.113.9}:per-minute:fw:60"))
        .isEqualTo("10");
  }

  @Test
  @DisplayName(
      "hits_addend counts that many units; a refused call consumes nothing; more than the quota is refused")
  void hitsAddend() throws Exception {
    RateLimitResponse first =
        ok(
            rls.callAndWait(
                grpc(0), request(DOMAIN, 4, descriptor("remote_address", "203.0.113.4"))));
    assertThat(first.getOverallCode()).isEqualTo(Code.OK);
    assertThat(first.getStatuses(0).getLimitRemaining()).isEqualTo(6);
    RateLimitResponse second =
        ok(
            rls.callAndWait(
                grpc(1), request(DOMAIN, 4, descriptor("remote_address", "203.0.113.4"))));
    assertThat(second.getOverallCode()).isEqualTo(Code.OK);
    assertThat(second.getStatuses(0).getLimitRemaining()).isEqualTo(2);
    RateLimitResponse third =
        ok(
            rls.callAndWait(
                grpc(2), request(DOMAIN, 4, descriptor("remote_address", "203.0.113.4"))));
    assertThat(third.getOverallCode()).isEqualTo(Code.OVER_LIMIT);
    assertThat(third.getStatuses(0).getLimitRemaining()).isEqualTo(2);
    assertThat(redis.command("GET rl:{shop/public-api|203.0.113.4}:per-minute:fw:60"))
        .isEqualTo("8");
    // the 2 units the refused call left are still there, for a smaller cost, even on the agent that
    // refused
    assertThat(
            ok(rls.callAndWait(
                    grpc(2), request(DOMAIN, 2, descriptor("remote_address", "203.0.113.4"))))
                .getOverallCode())
        .isEqualTo(Code.OK);
    assertThat(redis.command("GET rl:{shop/public-api|203.0.113.4}:per-minute:fw:60"))
        .isEqualTo("10");
    assertThat(
            ok(rls.callAndWait(
                    grpc(0), request(DOMAIN, 11, descriptor("remote_address", "203.0.113.5"))))
                .getOverallCode())
        .isEqualTo(Code.OVER_LIMIT);
    assertThat(redis.command("GET rl:{shop/public-api|203.0.113.5}:per-minute:fw:60"))
        .isEqualTo("$-1");
  }

  @Test
  @DisplayName(
      "An answer carries the limit in Envoy's units, remaining, time to reset and the /api rate-limit headers")
  void answerDetails() {
    RateLimitResponse allowed =
        ok(
            rls.callAndWait(
                grpc(0),
                request(
                    DOMAIN,
                    0,
                    descriptor(
                        "remote_address", "203.0.113.7", "method", "GET", "path", "/shop/cart"))));
    DescriptorStatus status = allowed.getStatuses(0);
    assertThat(status.getCode()).isEqualTo(Code.OK);
    assertThat(status.getCurrentLimit().getRequestsPerUnit()).isEqualTo(10);
    assertThat(status.getCurrentLimit().getUnit())
        .isEqualTo(RateLimitResponse.RateLimit.Unit.MINUTE);
    assertThat(status.getCurrentLimit().getName()).isEqualTo("per-minute");
    assertThat(status.getLimitRemaining()).isEqualTo(9);
    assertThat(status.getDurationUntilReset().getSeconds()).isBetween(50L, 60L);
    Map<String, String> headers = headers(allowed);
    assertThat(headers)
        .containsEntry("RateLimit-Policy", "\"per-minute\";q=10;w=60")
        .containsEntry("X-RateLimit-Limit", "10")
        .containsEntry("X-RateLimit-Remaining", "9")
        .containsKey("RateLimit")
        .containsKey("X-RateLimit-Reset")
        .doesNotContainKey("Retry-After");

    RateLimitResponse refused =
        ok(
            rls.callAndWait(
                grpc(1), request(DOMAIN, 10, descriptor("remote_address", "203.0.113.7"))));
    assertThat(refused.getOverallCode()).isEqualTo(Code.OVER_LIMIT);
    assertThat(headers(refused))
        .containsEntry("X-RateLimit-Remaining", "9")
        .containsKey("Retry-After");
    assertThat(Long.parseLong(headers(refused).get("Retry-After"))).isBetween(50L, 60L);
  }

  @Test
  @DisplayName(
      "Several descriptors are decided one by one; any over the limit makes the overall code OVER_LIMIT")
  void severalDescriptors() {
    ok(rls.callAndWait(grpc(0), request(DOMAIN, 10, descriptor("remote_address", "198.51.100.1"))));
    RateLimitResponse both =
        ok(
            rls.callAndWait(
                grpc(1),
                request(
                    DOMAIN,
                    0,
                    descriptor("remote_address", "198.51.100.1"),
                    descriptor("remote_address", "198.51.100.2"))));
    assertThat(both.getOverallCode()).isEqualTo(Code.OVER_LIMIT);
    assertThat(both.getStatusesList())
        .extracting(DescriptorStatus::getCode)
        .containsExactly(Code.OVER_LIMIT, Code.OK);
  }

  @Test
  @DisplayName("IPv6 clients are counted per /64 prefix, as on the HTTP path")
  void ipv6Prefix() throws Exception {
    ok(
        rls.callAndWait(
            grpc(0), request(DOMAIN, 9, descriptor("remote_address", "2001:db8:1:2::a"))));
    assertThat(
            ok(rls.callAndWait(
                    grpc(1),
                    request(DOMAIN, 1, descriptor("remote_address", "2001:db8:1:2:ffff::1"))))
                .getOverallCode())
        .isEqualTo(Code.OK);
    assertThat(
            ok(rls.callAndWait(
                    grpc(2), request(DOMAIN, 1, descriptor("remote_address", "2001:db8:1:2::b"))))
                .getOverallCode())
        .isEqualTo(Code.OVER_LIMIT);
    assertThat(redis.command("GET rl:{shop/public-api|2001:db8:1:2::/64}:per-minute:fw:60"))
        .isEqualTo("10");
  }

  @Test
  @DisplayName("Another domain is refused with INVALID_ARGUMENT naming the expected one")
  void unknownDomain() throws Exception {
    RlsClient.Answer answer =
        rls.callAndWait(
            grpc(0), request("shop/other", 0, descriptor("remote_address", "203.0.113.1")));
    assertThat(answer.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    assertThat(answer.message()).contains("'shop/other'").contains("'shop/public-api'");
    assertThat(redis.command("DBSIZE")).isEqualTo(":0");
  }

  @Test
  @DisplayName("No descriptors: OK with no statuses, nothing counted")
  void emptyDescriptors() throws Exception {
    RateLimitResponse response = ok(rls.callAndWait(grpc(0), request(DOMAIN, 0)));
    assertThat(response.getOverallCode()).isEqualTo(Code.OK);
    assertThat(response.getStatusesCount()).isZero();
    assertThat(redis.command("DBSIZE")).isEqualTo(":0");
  }

  @Test
  @DisplayName(
      "A descriptor without remote_address is refused with INVALID_ARGUMENT naming it, and nothing is counted")
  void missingClientEntry() throws Exception {
    RlsClient.Answer answer =
        rls.callAndWait(
            grpc(0),
            request(
                DOMAIN,
                0,
                descriptor("remote_address", "203.0.113.2"),
                descriptor("path", "/shop")));
    assertThat(answer.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    assertThat(answer.message()).contains("descriptor 1").contains("'remote_address'");
    RlsClient.Answer garbage =
        rls.callAndWait(grpc(0), request(DOMAIN, 0, descriptor("remote_address", "not-an-ip")));
    assertThat(garbage.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    assertThat(garbage.message()).contains("not-an-ip");
    assertThat(redis.command("DBSIZE")).isEqualTo(":0");
  }

  @Test
  @DisplayName("gRPC decisions count in ratelimiter_requests_total with source grpc")
  void metrics() {
    ok(rls.callAndWait(grpc(0), request(DOMAIN, 0, descriptor("remote_address", "203.0.113.3"))));
    assertThat(new TestHttp().get(agents.get(0).management(), "/metrics").body())
        .containsPattern("ratelimiter_requests_total\\{outcome=\"allowed\",source=\"grpc\"} [1-9]");
  }

  private static RateLimitResponse ok(RlsClient.Answer answer) {
    assertThat(answer.status()).as(answer.message()).isEqualTo(GrpcStatus.OK);
    return answer.response();
  }

  private static Map<String, String> headers(RateLimitResponse response) {
    return response.getResponseHeadersToAddList().stream()
        .collect(Collectors.toMap(HeaderValue::getKey, HeaderValue::getValue));
  }
}
