package dev.ratelimiter.agent.tokens;

import static dev.ratelimiter.agent.grpc.RlsClient.descriptor;
import static dev.ratelimiter.agent.grpc.RlsClient.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.TestSettings;
import dev.ratelimiter.agent.grpc.RlsClient;
import dev.ratelimiter.agent.store.CounterKeys;
import dev.ratelimiter.policy.Algorithm;
import dev.ratelimiter.policy.Limit;
import dev.ratelimiter.testsupport.redis.RedisServerProcess;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.Code;
import io.vertx.grpc.common.GrpcStatus;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Token budgets for gateways: {@code /check} with the cost a trusted gateway states, and Envoy's
 * rate limit service reserving its {@code hits_addend} and settling after the stream.
 */
@DisplayName("A token budget decided for a gateway: /check's X-RateLimit-Cost, gRPC's settlement")
class TokenBudgetGatewayTest {

  private static final AtomicInteger CLIENTS = new AtomicInteger();
  private static RedisServerProcess redis;
  private static RunningAgent agent;
  private static RlsClient rls;
  private final TestHttp gateway = new TestHttp("127.0.0.2");
  private String client;

  @BeforeAll
  static void start() {
    redis = RedisServerProcess.start(null);
    agent =
        RunningAgent.start(
            TestSettings.local(redis.url(), null, null),
            """
            policy: shop/llm
            clientKey: {trustedProxies: [127.0.0.2/32]}
            limits:
              - {name: per-minute, requests: 100, window: 1m}
              - {name: tokens, requests: 5000, window: 1h, cost: {usage: TotalTokens, reserve: 250}}
            """);
    rls = new RlsClient();
  }

  @AfterAll
  static void stop() {
    rls.close();
    agent.close();
    redis.close();
  }

  @BeforeEach
  void freshClient() {
    client = "198.51.100." + CLIENTS.incrementAndGet();
  }

  private String used(String limit, String who) throws Exception {
    long quota = limit.equals("tokens") ? 5000 : 100;
    long window = limit.equals("tokens") ? 3600 : 60;
    String reply =
        redis.command(
            "GET "
                + CounterKeys.key(
                    "shop/llm", who, new Limit(limit, quota, window, Algorithm.FixedWindow)));
    return reply.startsWith("$-1") ? null : reply.trim(); // "$-1": no such key
  }

  private TestHttp.Reply check(TestHttp from, String... cost) {
    String[] headers = new String[2 + cost.length * 2];
    headers[0] = "X-Forwarded-For";
    headers[1] = client;
    for (int i = 0; i < cost.length; i++) {
      headers[2 + 2 * i] = "X-RateLimit-Cost";
      headers[3 + 2 * i] = cost[i];
    }
    return from.get(agent.http(), "/check/v1/chat/completions", headers);
  }

  @Test
  @DisplayName(
      "a trusted gateway's X-RateLimit-Cost is reserved on the budget; request limits count the request once")
  void statedCostFromATrustedGateway() throws Exception {
    assertThat(check(gateway, "2000").status()).isEqualTo(200);
    assertThat(check(gateway, "2000").status()).isEqualTo(200);
    TestHttp.Reply refused = check(gateway, "2000");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.header("RateLimit")).contains("\"tokens\";r=1000");
    assertThat(used("tokens", client)).isEqualTo("4000");
    assertThat(used("per-minute", client)).isEqualTo("2");
    assertThat(check(gateway).status()).as("no cost stated: the reserve").isEqualTo(200);
    assertThat(used("tokens", client)).isEqualTo("4250");
  }

  @Test
  @DisplayName("from anyone else the header is ignored: the budget's reserve is taken")
  void ignoredFromOthers() throws Exception {
    TestHttp direct = new TestHttp("127.0.0.3");
    String before = used("tokens", "127.0.0.3");
    assertThat(check(direct, "1").status()).isEqualTo(200);
    assertThat(Long.parseLong(used("tokens", "127.0.0.3")))
        .isEqualTo((before == null ? 0 : Long.parseLong(before)) + 250);
  }

  @ParameterizedTest(name = "X-RateLimit-Cost: {0}")
  @ValueSource(strings = {"abc", "0", "-1", "1.5", "1000000001", "99999999999999999999", ""})
  @DisplayName(
      "a cost that is not a whole number from 1 is a 400 naming the header; nothing is counted")
  void badCost(String cost) throws Exception {
    TestHttp.Reply reply = check(gateway, cost);
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().getString("detail")).contains("X-RateLimit-Cost");
    assertThat(used("tokens", client)).isNull();
    assertThat(used("per-minute", client)).isNull();
  }

  @Test
  @DisplayName("the header twice is a 400: one of them is the client's")
  void costTwice() throws Exception {
    assertThat(check(gateway, "10", "20").status()).isEqualTo(400);
    assertThat(used("tokens", client)).isNull();
  }

  private RlsClient.Answer rls(int hits, String... entries) {
    String[] all = new String[entries.length + 2];
    all[0] = "remote_address";
    all[1] = client;
    System.arraycopy(entries, 0, all, 2, entries.length);
    return rls.callAndWait(agent.agent.grpcPort(), request("shop/llm", hits, descriptor(all)));
  }

  @Test
  @DisplayName(
      "gRPC: hits_addend is reserved on the budget; a settle descriptor after the stream gives back or charges the difference, answered OK")
  void grpcReservesAndSettles() throws Exception {
    RlsClient.Answer reserved = rls(2000);
    assertThat(reserved.response().getOverallCode()).isEqualTo(Code.OK);
    assertThat(used("tokens", client)).isEqualTo("2000");
    assertThat(used("per-minute", client))
        .as("hits_addend is tokens: the request counts once")
        .isEqualTo("1");
    RlsClient.Answer settled = rls(300, "settle", "2000");
    assertThat(settled.status()).isEqualTo(GrpcStatus.OK);
    assertThat(settled.response().getOverallCode()).isEqualTo(Code.OK);
    assertThat(settled.response().getStatuses(0).getCode()).isEqualTo(Code.OK);
    assertThat(used("tokens", client)).isEqualTo("300");
    assertThat(used("per-minute", client)).as("a settlement counts no request").isEqualTo("1");

    assertThat(rls(0).response().getOverallCode()).isEqualTo(Code.OK); // the reserve: 250
    assertThat(used("tokens", client)).isEqualTo("550");
    rls(6000, "settle", "250"); // more than reserved: debt
    assertThat(used("tokens", client)).isEqualTo("6300");
    assertThat(rls(0).response().getOverallCode()).isEqualTo(Code.OVER_LIMIT);
  }

  @ParameterizedTest(name = "settle: {0}")
  @ValueSource(strings = {"abc", "0", "-5", "12345678901"})
  @DisplayName(
      "gRPC: a settle entry that is not a number from 1 is INVALID_ARGUMENT; nothing changes")
  void badSettlement(String value) throws Exception {
    assertThat(rls(1000).response().getOverallCode()).isEqualTo(Code.OK);
    RlsClient.Answer answer = rls(10, "settle", value);
    assertThat(answer.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    assertThat(answer.message()).contains("'settle'");
    assertThat(used("tokens", client)).isEqualTo("1000");
  }
}
